import AWSWire
import Directory
import Foundation
import Hummingbird

extension ConsolePages {
    func registerGroupsAndAccount<Context: PortalRequestContext>(on router: Router<Context>) {
        router.get(RouterPath(Self.prefix + "/groups")) { request, context in
            await self.signedIn(request, context) { visit in await self.groups(visit) }
        }
        router.post(RouterPath(Self.prefix + "/groups")) { request, context in
            await self.signedIn(request, context) { visit in await self.createGroup(visit) }
        }
        router.get(RouterPath(Self.prefix + "/password-policy")) { request, context in
            await self.signedIn(request, context) { visit in await self.passwordPolicy(visit) }
        }
        router.post(RouterPath(Self.prefix + "/password-policy")) { request, context in
            await self.signedIn(request, context) { visit in await self.updatePasswordPolicy(visit) }
        }
        router.get(RouterPath(Self.prefix + "/account")) { request, context in
            await self.signedIn(request, context) { visit in await self.account(visit) }
        }
        router.post(RouterPath(Self.prefix + "/account")) { request, context in
            await self.signedIn(request, context) { visit in await self.changeAccount(visit) }
        }
    }

    // MARK: Groups

    func groups(_ visit: Visit, notice: String? = nil, problem: Problem? = nil, status: HTTPResponse.Status = .ok) async -> Response {
        var values = GroupsPage(notice: notice, problem: problem, policies: Self.offeredPolicies.map { PolicyChoice(arn: $0, name: Self.policyName($0)) })
        switch await iam("ListGroups", ["MaxItems": .integer(1000)], as: visit) {
        case .failure(let error): values.problem = values.problem ?? Problem(error)
        case .success(let output):
            for group in output["Groups"]?.list ?? [] {
                guard let name = group["GroupName"]?.string else { continue }
                var row = GroupRow(name: name, members: "", policies: "")
                if case .success(let detail) = await iam("GetGroup", ["GroupName": .string(name)], as: visit) {
                    row.members = (detail["Users"]?.list ?? []).compactMap { $0["UserName"]?.string }.joined(separator: ", ")
                }
                if case .success(let attached) = await iam("ListAttachedGroupPolicies", ["GroupName": .string(name)], as: visit) {
                    row.policies = (attached["AttachedPolicies"]?.list ?? []).compactMap { $0["PolicyName"]?.string }.joined(separator: ", ")
                }
                values.groups.append(row)
            }
        }
        return page("console-groups", values, visit: visit, status: status)
    }

    /// Creates a group with the chosen managed policies.
    func createGroup(_ visit: Visit) async -> Response {
        let name = (visit.form["group_name"] ?? "").trimmingCharacters(in: .whitespaces)
        if case .failure(let error) = await iam("CreateGroup", ["GroupName": .string(name)], as: visit) {
            return await groups(visit, problem: Problem(error), status: .badRequest)
        }
        for arn in visit.form.keys.filter({ $0.hasPrefix("policy:") }).map({ String($0.dropFirst("policy:".count)) }).sorted() {
            if case .failure(let error) = await iam("AttachGroupPolicy", ["GroupName": .string(name), "PolicyArn": .string(arn)], as: visit) {
                return await groups(visit, problem: Problem(error), status: .badRequest)
            }
        }
        return await groups(visit, notice: "Group \(name) created.")
    }

    // MARK: Password policy

    func passwordPolicy(_ visit: Visit, notice: String? = nil, problem: Problem? = nil, status: HTTPResponse.Status = .ok) async -> Response {
        var values = PasswordPolicyPage(notice: notice, problem: problem)
        switch await iam("GetAccountPasswordPolicy", as: visit) {
        case .success(let output):
            let policy = output["PasswordPolicy"]
            values.isSet = true
            values.minimumLength = policy?["MinimumPasswordLength"]?.integer ?? 8
            values.requireUppercase = policy?["RequireUppercaseCharacters"]?.boolean ?? false
            values.requireLowercase = policy?["RequireLowercaseCharacters"]?.boolean ?? false
            values.requireNumbers = policy?["RequireNumbers"]?.boolean ?? false
            values.requireSymbols = policy?["RequireSymbols"]?.boolean ?? false
            values.allowChange = policy?["AllowUsersToChangePassword"]?.boolean ?? false
            values.maxAge = policy?["MaxPasswordAge"]?.integer.map(String.init) ?? ""
            values.reuse = policy?["PasswordReusePrevention"]?.integer.map(String.init) ?? ""
            values.hardExpiry = policy?["HardExpiry"]?.boolean ?? false
        case .failure(let error) where error.code == "NoSuchEntity": break
        case .failure(let error): values.problem = values.problem ?? Problem(error)
        }
        return page("console-password-policy", values, visit: visit, status: status)
    }

    func updatePasswordPolicy(_ visit: Visit) async -> Response {
        let form = visit.form
        var input: [String: AWSValue] = [
            "RequireUppercaseCharacters": .boolean(form["require_uppercase"] == "on"), "RequireLowercaseCharacters": .boolean(form["require_lowercase"] == "on"),
            "RequireNumbers": .boolean(form["require_numbers"] == "on"), "RequireSymbols": .boolean(form["require_symbols"] == "on"),
            "AllowUsersToChangePassword": .boolean(form["allow_change"] == "on"), "HardExpiry": .boolean(form["hard_expiry"] == "on"),
        ]
        func number(_ field: String, _ member: String) -> Problem? {
            let text = (form[field] ?? "").trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return nil }
            guard let value = Int64(text) else { return Problem(AWSError(code: "ValidationError", message: "\(member) must be a whole number.")) }
            input[member] = .integer(value)
            return nil
        }
        for (field, member) in [("minimum_length", "MinimumPasswordLength"), ("max_age", "MaxPasswordAge"), ("reuse", "PasswordReusePrevention")] {
            if let problem = number(field, member) { return await passwordPolicy(visit, problem: problem, status: .badRequest) }
        }
        if case .failure(let error) = await iam("UpdateAccountPasswordPolicy", .object(input), as: visit) {
            return await passwordPolicy(visit, problem: Problem(error), status: .badRequest)
        }
        return await passwordPolicy(visit, notice: "Password policy saved.")
    }

    // MARK: Account

    func account(_ visit: Visit, notice: String? = nil, problem: Problem? = nil, status: HTTPResponse.Status = .ok) async -> Response {
        let accountId = visit.principal.accountId
        var values = AccountPage(
            accountId: accountId, isRoot: visit.isRoot, billingAccess: directory.iam(accountId).settings.iamBillingAccess, notice: notice,
            problem: problem)
        switch await iam("ListAccountAliases", as: visit) {
        case .success(let output): values.alias = output["AccountAliases"]?.list?.first?.string
        case .failure(let error): values.problem = values.problem ?? Problem(error)
        }
        if visit.isRoot, let account = directory.account(id: accountId) {
            values.name = account.name
            values.email = account.email
        }
        return page("console-account", values, visit: visit, status: status)
    }

    /// Sets or removes the account alias, or (root only) turns IAM access to billing on or off.
    func changeAccount(_ visit: Visit) async -> Response {
        let form = visit.form
        switch form["action"] {
        case "billing":
            guard visit.isRoot else {
                return await account(
                    visit, problem: Problem(AWSError(code: "AccessDenied", message: "Only the root user can change IAM access to billing.")), status: .forbidden)
            }
            let enabled = form["enabled"] == "true"
            do {
                try await directory.setIAMBillingAccess(enabled, caller: visit.caller)
            } catch {
                return await account(visit, problem: Problem(AWSError.internalFailure), status: .internalServerError)
            }
            return await account(visit, notice: enabled ? "IAM access to billing is on." : "IAM access to billing is off.")
        case "delete-alias":
            if case .failure(let error) = await iam("DeleteAccountAlias", ["AccountAlias": .string(form["alias"] ?? "")], as: visit) {
                return await account(visit, problem: Problem(error), status: .badRequest)
            }
            return await account(visit, notice: "Account alias deleted.")
        default:
            let alias = (form["alias"] ?? "").trimmingCharacters(in: .whitespaces)
            if case .failure(let error) = await iam("CreateAccountAlias", ["AccountAlias": .string(alias)], as: visit) {
                return await account(visit, problem: Problem(error), status: .badRequest)
            }
            return await account(visit, notice: "Account alias set: IAM users can sign in with \(alias).")
        }
    }
}

struct GroupsPage {
    var notice: String?
    var problem: Problem?
    var policies: [PolicyChoice]
    var groups: [GroupRow] = []
}

struct GroupRow {
    var name: String
    var members: String
    var policies: String
}

struct PasswordPolicyPage {
    var notice: String?
    var problem: Problem?
    var isSet = false
    var minimumLength: Int64 = 8
    var requireUppercase = true
    var requireLowercase = true
    var requireNumbers = true
    var requireSymbols = true
    var allowChange = true
    var maxAge = "90"
    var reuse = "5"
    var hardExpiry = false
}

struct AccountPage {
    var accountId: String
    var isRoot: Bool
    var billingAccess: Bool
    var notice: String?
    var problem: Problem?
    var alias: String?
    var name = ""
    var email = ""
}
