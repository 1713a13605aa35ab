import AWSWire
import Authorization
import Directory
import Foundation
import Portal

extension AWSEndpoint: OperationInvoker {
    /// A call the web pages make for a signed-in person: validated against the model, then authorized,
    /// run and audited as an API call (never unchecked, whatever the server's access mode).
    func invoke(_ service: ServiceModel, _ name: String, _ input: AWSValue, as caller: Caller?) async -> Result<AWSValue, AWSError> {
        let requestId = Identifiers.uuid()
        let now = Date()
        guard let operation = service.operations[name], let entry = operations.entry(service: service.signingName, operation: name) else {
            return .failure(.notImplemented(service: service.signingName, operation: name))
        }
        if !entry.validatesInput {
            do throws(AWSError) {
                try AWSCodec.validate(input, operation: operation, service: service, optional: entry.optionalMembers)
            } catch {
                if let caller {
                    record(service: service, operation: operation, caller: caller, input: input, output: nil, error: error, requestId: requestId, time: now, readOnly: entry.readOnly)
                }
                return .failure(error)
            }
        }
        return await perform(
            service: service, operation: operation, entry: entry, input: input, caller: caller, unchecked: false, requestId: requestId, now: now,
            logger: logger)
    }

    func authorize(_ service: ServiceModel, _ name: String, _ input: AWSValue, as caller: Caller) -> AWSError? {
        guard let operation = service.operations[name] else { return .notImplemented(service: service.signingName, operation: name) }
        let now = Date()
        do throws(AWSError) {
            try authorizer.authorize(caller, service: service, operation: operation, input: input, now: now)
            return nil
        } catch {
            record(
                service: service, operation: operation, caller: caller, input: input, output: nil, error: error, requestId: Identifiers.uuid(),
                time: now, readOnly: false)
            return error
        }
    }
}
