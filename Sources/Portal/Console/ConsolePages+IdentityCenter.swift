import AWSWire
import Directory
import Foundation
import Hummingbird

extension ConsolePages {
    static let identityCenterPath = prefix + "/identity-center"

    func registerIdentityCenter<Context: PortalRequestContext>(on router: Router<Context>) {
        router.get(RouterPath(Self.identityCenterPath)) { request, context in
            await self.signedIn(request, context) { visit in await self.identityCenter(visit) }
        }
        router.post(RouterPath(Self.identityCenterPath)) { request, context in
            await self.signedIn(request, context) { visit in await self.createPortalUser(visit) }
        }
    }

    /// The account's Identity Center instance: its start URL and its users, and a form to add one.
    func identityCenter(_ visit: Visit, notice: String? = nil, oneTimePassword: String? = nil, problem: Problem? = nil, status: HTTPResponse.Status = .ok) async -> Response {
        var values = IdentityCenterPage(notice: notice, oneTimePassword: oneTimePassword, problem: problem)
        guard let store = await identityStore(visit, into: &values) else { return page("console-identity-center", values, visit: visit, status: status) }
        values.startURL = "\(site.url)/start/\(store)"
        switch await invoker.invoke(.identityStore, "ListUsers", ["IdentityStoreId": .string(store)], as: visit.caller) {
        case .failure(let error): values.problem = values.problem ?? Problem(error)
        case .success(let output):
            values.users = (output["Users"]?.list ?? []).map { user in
                let emails = user["Emails"]?.list ?? []
                let email = (emails.first { $0["Primary"]?.boolean == true } ?? emails.first)?["Value"]?.string ?? ""
                return PortalUserRow(userName: user["UserName"]?.string ?? "", displayName: user["DisplayName"]?.string ?? "", email: email)
            }
        }
        return page("console-identity-center", values, visit: visit, status: status)
    }

    /// The identity store of the visitor's account's instance, or `nil` (with the reason on the page).
    func identityStore(_ visit: Visit, into values: inout IdentityCenterPage) async -> String? {
        switch await invoker.invoke(.ssoAdmin, "ListInstances", .empty, as: visit.caller) {
        case .failure(let error):
            values.problem = values.problem ?? Problem(error)
            return nil
        case .success(let output):
            guard let store = output["Instances"]?.list?.first?["IdentityStoreId"]?.string else {
                values.noInstance = true
                return nil
            }
            values.identityStoreId = store
            return store
        }
    }

    /// Adds a user (identitystore CreateUser, as the visitor) and gives them a way in: an invitation mailed to
    /// them (the default), or a one-time password shown here once.
    func createPortalUser(_ visit: Visit) async -> Response {
        var values = IdentityCenterPage()
        guard let store = await identityStore(visit, into: &values) else { return await identityCenter(visit, problem: values.problem, status: .badRequest) }
        let form = visit.form
        let userName = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let given = (form["given_name"] ?? "").trimmingCharacters(in: .whitespaces)
        let family = (form["family_name"] ?? "").trimmingCharacters(in: .whitespaces)
        let display = (form["display_name"] ?? "").trimmingCharacters(in: .whitespaces)
        let input: AWSValue = [
            "IdentityStoreId": .string(store), "UserName": .string(userName),
            "DisplayName": .string(display.isEmpty ? "\(given) \(family)" : display),
            "Name": ["GivenName": .string(given), "FamilyName": .string(family)],
            "Emails": .list([["Value": .string((form["email"] ?? "").trimmingCharacters(in: .whitespaces)), "Type": "work", "Primary": .boolean(true)]]),
        ]
        if case .failure(let error) = await invoker.invoke(.identityStore, "CreateUser", input, as: visit.caller) {
            return await identityCenter(visit, problem: Problem(error), status: .badRequest)
        }
        do {
            if form["password_choice"] == "one-time" {
                let password = try await directory.setOneTimePassword(identityStoreId: store, userName: userName)
                return await identityCenter(
                    visit, notice: "User \(userName) added. Give them this one-time password; they choose their own at first sign-in.",
                    oneTimePassword: password)
            }
            let issued = try await directory.issuePasswordSetup(identityStoreId: store, userName: userName, purpose: .invitation)
            let address = try StartPages.sendInvitation(issued, store: store, site: site, outbox: outbox)
            return await identityCenter(visit, notice: "User \(userName) added. An invitation is on its way to \(address); its link works for 7 days.")
        } catch {
            return await identityCenter(
                visit, problem: Problem(AWSError(code: "InvitationFailed", message: "User \(userName) was added, but no way in was sent: \(error)")),
                status: .internalServerError)
        }
    }
}

struct IdentityCenterPage {
    var notice: String?
    var oneTimePassword: String?
    var problem: Problem?
    var noInstance = false
    var identityStoreId = ""
    var startURL = ""
    var users: [PortalUserRow] = []
}

struct PortalUserRow {
    var userName: String
    var displayName: String
    var email: String
}
