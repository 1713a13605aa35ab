import AWSWire
import Directory
import Foundation
import Hummingbird

extension ConsolePages {
    func registerAdministration<Context: PortalRequestContext>(on router: Router<Context>) {
        router.get(RouterPath(Self.prefix + "/users")) { request, context in
            await self.signedIn(request, context) { visit in await self.users(visit) }
        }
        router.get(RouterPath(Self.prefix + "/users/create")) { request, context in
            await self.signedIn(request, context) { visit in await self.createUserForm(visit) }
        }
        router.post(RouterPath(Self.prefix + "/users/create")) { request, context in
            await self.signedIn(request, context) { visit in await self.createUser(visit) }
        }
        router.get(RouterPath(Self.prefix + "/user")) { request, context in
            await self.signedIn(request, context) { visit in
                await self.user(visit, name: PortalPages.parameters(request.uri.query ?? "")["name"] ?? "")
            }
        }
        router.post(RouterPath(Self.prefix + "/user")) { request, context in
            await self.signedIn(request, context) { visit in await self.changeUser(visit) }
        }
        registerGroupsAndAccount(on: router)
    }

    func users(_ visit: Visit) async -> Response {
        var values = UsersPage()
        switch await iam("ListUsers", ["MaxItems": .integer(1000)], as: visit) {
        case .failure(let error): values.problem = Problem(error)
        case .success(let output):
            values.users = (output["Users"]?.list ?? []).map {
                UserRow(
                    name: $0["UserName"]?.string ?? "", created: $0["CreateDate"]?.timestamp.map(Self.display) ?? "",
                    passwordLastUsed: $0["PasswordLastUsed"]?.timestamp.map(Self.display) ?? "Never")
            }
        }
        return page("console-users", values, visit: visit)
    }

    func createUserForm(_ visit: Visit, problem: Problem? = nil, status: HTTPResponse.Status = .ok) async -> Response {
        var values = CreateUserPage(problem: problem, policies: Self.offeredPolicies.map { PolicyChoice(arn: $0, name: Self.policyName($0)) })
        if case .success(let output) = await iam("ListGroups", ["MaxItems": .integer(1000)], as: visit) {
            values.groups = (output["Groups"]?.list ?? []).compactMap { $0["GroupName"]?.string }
        }
        return page("console-user-create", values, visit: visit, status: status)
    }

    /// Creates a user as the console does: the user (with tags), the console password (with a forced reset, which
    /// also attaches IAMUserChangePassword as AWS's console does), policies and groups; the password is shown once.
    func createUser(_ visit: Visit) async -> Response {
        let form = visit.form
        let name = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        var tags: [AWSValue] = []
        for index in 1...3 {
            let key = (form["tag_key_\(index)"] ?? "").trimmingCharacters(in: .whitespaces)
            if !key.isEmpty { tags.append(["Key": .string(key), "Value": .string(form["tag_value_\(index)"] ?? "")]) }
        }
        var input: [String: AWSValue] = ["UserName": .string(name)]
        if !tags.isEmpty { input["Tags"] = .list(tags) }
        if case .failure(let error) = await iam("CreateUser", .object(input), as: visit) {
            return await createUserForm(visit, problem: Problem(error), status: .badRequest)
        }
        var result = CreatedUserPage(userName: name, userNameQuery: Self.queryValue(name), signInURL: "\(site.url)/console/signin?account=\(visit.principal.accountId)")
        var policies = form.keys.filter { $0.hasPrefix("policy:") }.map { String($0.dropFirst("policy:".count)) }.sorted()
        if form["console"] == "on" {
            let password = form["password_choice"] == "custom" ? form["password"] ?? "" : Self.generatedPassword()
            let reset = form["require_reset"] == "on"
            let profile: AWSValue = ["UserName": .string(name), "Password": .string(password), "PasswordResetRequired": .boolean(reset)]
            switch await iam("CreateLoginProfile", profile, as: visit) {
            case .failure(let error): result.problems.append(Problem(error))
            case .success:
                result.password = password
                offer(
                    "\(name)_credentials.csv",
                    Self.csvRow(["User name", "Password", "Console sign-in URL"]) + Self.csvRow([name, password, result.signInURL], secrets: [1]), to: visit)
                if reset, !policies.contains(Self.changePasswordPolicy) { policies.append(Self.changePasswordPolicy) }
            }
        }
        for arn in policies {
            if case .failure(let error) = await iam("AttachUserPolicy", ["UserName": .string(name), "PolicyArn": .string(arn)], as: visit) {
                result.problems.append(Problem(error))
            }
        }
        for group in form.keys.filter({ $0.hasPrefix("group:") }).map({ String($0.dropFirst("group:".count)) }).sorted() {
            if case .failure(let error) = await iam("AddUserToGroup", ["UserName": .string(name), "GroupName": .string(group)], as: visit) {
                result.problems.append(Problem(error))
            }
        }
        return page("console-user-created", result, visit: visit)
    }

    func user(_ visit: Visit, name: String, notice: String? = nil, problem: Problem? = nil, status: HTTPResponse.Status = .ok) async -> Response {
        var values = UserPage(name: name, notice: notice, problem: problem)
        switch await iam("GetUser", ["UserName": .string(name)], as: visit) {
        case .failure(let error):
            values.problem = Problem(error)
            return page("console-user", values, visit: visit, status: error.code == "NoSuchEntity" ? .notFound : .forbidden)
        case .success(let output):
            values.arn = output["User"]?["Arn"]?.string ?? ""
            values.tags = (output["User"]?["Tags"]?.list ?? []).map { TagRow(key: $0["Key"]?.string ?? "", value: $0["Value"]?.string ?? "") }
        }
        if case .success(let output) = await iam("ListAttachedUserPolicies", ["UserName": .string(name)], as: visit) {
            values.policies = (output["AttachedPolicies"]?.list ?? []).map { PolicyChoice(arn: $0["PolicyArn"]?.string ?? "", name: $0["PolicyName"]?.string ?? "") }
        }
        if case .success(let output) = await iam("ListGroupsForUser", ["UserName": .string(name)], as: visit) {
            values.groups = (output["Groups"]?.list ?? []).compactMap { $0["GroupName"]?.string }
        }
        if case .success(let output) = await iam("ListGroups", ["MaxItems": .integer(1000)], as: visit) {
            values.otherGroups = (output["Groups"]?.list ?? []).compactMap { $0["GroupName"]?.string }.filter { !values.groups.contains($0) }
        }
        values.otherPolicies = Self.offeredPolicies.filter { arn in !values.policies.contains { $0.arn == arn } }
            .map { PolicyChoice(arn: $0, name: Self.policyName($0)) }
        return page("console-user", values, visit: visit, status: status)
    }

    /// Attaches or detaches a policy, or adds the user to or removes them from a group.
    func changeUser(_ visit: Visit) async -> Response {
        let name = visit.form["username"] ?? ""
        let target = AWSValue.string(visit.form["target"] ?? "")
        let (operation, input, done): (String, AWSValue, String) =
            switch visit.form["action"] {
            case "attach": ("AttachUserPolicy", ["UserName": .string(name), "PolicyArn": target], "Policy attached.")
            case "detach": ("DetachUserPolicy", ["UserName": .string(name), "PolicyArn": target], "Policy detached.")
            case "add-group": ("AddUserToGroup", ["UserName": .string(name), "GroupName": target], "User added to the group.")
            default: ("RemoveUserFromGroup", ["UserName": .string(name), "GroupName": target], "User removed from the group.")
            }
        if case .failure(let error) = await iam(operation, input, as: visit) {
            return await user(visit, name: name, problem: Problem(error), status: .badRequest)
        }
        return await user(visit, name: name, notice: done)
    }

    /// The AWS managed policies the pages offer to attach.
    static let offeredPolicies = [
        "AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "ViewOnlyAccess", "SecurityAudit", "IAMFullAccess", "IAMReadOnlyAccess",
        "IAMUserChangePassword", "Billing",
    ].compactMap { name in AWSManagedPolicies.all.first { $0.name == name }?.arn }

    static let changePasswordPolicy = "arn:aws:iam::aws:policy/IAMUserChangePassword"

    /// `text` percent-encoded for a query string.
    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    static func policyName(_ arn: String) -> String {
        arn.split(separator: "/").last.map(String.init) ?? arn
    }

    /// A password the console makes up: 20 characters with every class, so any password policy accepts it.
    static func generatedPassword() -> String {
        let classes = ["ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!@#$%^&*()-_=+[]{}"].map(Array.init)
        var generator = SystemRandomNumberGenerator()
        var characters = classes.map { $0.randomElement(using: &generator)! }
        let all = classes.flatMap { $0 }
        while characters.count < 20 { characters.append(all.randomElement(using: &generator)!) }
        return String(characters.shuffled(using: &generator))
    }
}

struct UsersPage {
    var users: [UserRow] = []
    var problem: Problem?
}

struct UserRow {
    var name: String
    var created: String
    var passwordLastUsed: String
    /// The name as a query value (`+` and `=` are legal in IAM names); stored, as templates read stored properties.
    var nameQuery: String

    init(name: String, created: String, passwordLastUsed: String) {
        self.name = name
        self.created = created
        self.passwordLastUsed = passwordLastUsed
        nameQuery = ConsolePages.queryValue(name)
    }
}

struct PolicyChoice {
    var arn: String
    var name: String
}

struct TagRow {
    var key: String
    var value: String
}

struct CreateUserPage {
    var problem: Problem?
    var policies: [PolicyChoice]
    var groups: [String] = []
}

/// The page after a user is made: the password appears here once, and in the CSV offered once beside it.
struct CreatedUserPage {
    var userName: String
    var userNameQuery: String
    var signInURL: String
    var password: String?
    var problems: [Problem] = []
}

struct UserPage {
    var name: String
    var notice: String?
    var problem: Problem?
    var arn = ""
    var tags: [TagRow] = []
    var policies: [PolicyChoice] = []
    var groups: [String] = []
    var otherGroups: [String] = []
    var otherPolicies: [PolicyChoice] = []
}
