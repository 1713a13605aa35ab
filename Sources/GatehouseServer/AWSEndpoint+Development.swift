import AWSWire
import AccessPolicy
import Directory

extension AWSEndpoint {
    /// Whether an unchecked request (emulator mode, a `reset-auth` turn) would act outside the development account and
    /// the accounts its organization made: `AssumeRole` into another account's role is authorized all the same, so a
    /// development switch never opens a role of an account of its own.
    func reachesBeyondDevelopment(service: ServiceModel, operation: ServiceOperation, input: AWSValue) -> Bool {
        guard service.signingName == "sts", operation.name == "AssumeRole", let role = input["RoleArn"]?.string,
            let account = PolicyEvaluator.resourceAccount(role).map(String.init)
        else { return false }
        return account != devAccountId && directory.organization(of: devAccountId)?.members[account] == nil
    }
}
