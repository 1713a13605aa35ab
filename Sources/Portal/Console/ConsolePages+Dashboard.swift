import AWSWire
import Directory
import Foundation
import Hummingbird

extension ConsolePages {
    func registerDashboard<Context: PortalRequestContext>(on router: Router<Context>) {
        router.get(RouterPath(Self.prefix)) { request, context in
            await self.signedIn(request, context) { visit in await self.dashboard(visit) }
        }
    }

    /// The IAM dashboard: the account's counts and the security recommendations AWS shows, each with its fix.
    /// What the visitor may not read is said so, not hidden.
    func dashboard(_ visit: Visit, now: Date = Date()) async -> Response {
        var values = DashboardPage()
        switch await iam("GetAccountSummary", as: visit) {
        case .failure(let error): values.problems.append(Problem(error))
        case .success(let output):
            let summary = output["SummaryMap"]?.object ?? [:]
            func count(_ key: String) -> Int64 { summary[key]?.integer ?? 0 }
            values.counts = [("Users", count("Users")), ("Groups", count("Groups")), ("Roles", count("Roles")), ("Policies", count("Policies"))]
                .map { Count(label: $0.0, value: $0.1) }
            let fixRoot = visit.isRoot ? "/console/security-credentials" : nil
            if count("AccountMFAEnabled") == 0 {
                values.recommendations.append(
                    Recommendation(
                        title: "Add MFA for the root user", detail: "The root user has no MFA device: a password alone opens the whole account.",
                        fix: fixRoot, fixLabel: "Assign MFA", who: "Sign in as the root user to fix this."))
            } else {
                values.passed.append("The root user has MFA.")
            }
            if count("AccountAccessKeysPresent") > 0 {
                values.recommendations.append(
                    Recommendation(
                        title: "Delete the root user's access keys", detail: "The root user has access keys: use an IAM user or role for programmatic access.",
                        fix: fixRoot, fixLabel: "Delete root access keys", who: "Sign in as the root user to fix this."))
            } else {
                values.passed.append("The root user has no access keys.")
            }
        }
        switch await iam("GetAccountPasswordPolicy", as: visit) {
        case .success: values.passed.append("The account has a password policy.")
        case .failure(let error) where error.code == "NoSuchEntity":
            values.recommendations.append(
                Recommendation(
                    title: "Set a password policy", detail: "No password policy is set: IAM users may choose weak passwords.",
                    fix: "/console/password-policy", fixLabel: "Set the password policy", who: nil))
        case .failure(let error): values.problems.append(Problem(error))
        }
        await userRecommendations(visit, now: now, into: &values)
        return page("console-dashboard", values, visit: visit)
    }

    /// Recommendations about the account's IAM users: missing MFA, old keys, unused credentials.
    func userRecommendations(_ visit: Visit, now: Date, into values: inout DashboardPage) async {
        let users: [AWSValue]
        switch await iam("ListUsers", ["MaxItems": .integer(1000)], as: visit) {
        case .failure(let error):
            values.problems.append(Problem(error))
            return
        case .success(let output): users = output["Users"]?.list ?? []
        }
        var withoutMFA: [String] = []
        var oldKeys: [String] = []
        var unused: [String] = []
        for user in users {
            guard let name = user["UserName"]?.string else { continue }
            if case .success(let output) = await iam("ListMFADevices", ["UserName": .string(name)], as: visit), output["MFADevices"]?.list?.isEmpty == true {
                withoutMFA.append(name)
            }
            var lastUsed = user["PasswordLastUsed"]?.timestamp
            var stale = false
            if case .success(let output) = await iam("ListAccessKeys", ["UserName": .string(name)], as: visit) {
                for key in output["AccessKeyMetadata"]?.list ?? [] where key["Status"]?.string == "Active" {
                    guard let id = key["AccessKeyId"]?.string, let created = key["CreateDate"]?.timestamp else { continue }
                    if now.timeIntervalSince(created) > 90 * 86_400 { oldKeys.append("\(name) (\(id))") }
                    if case .success(let use) = await iam("GetAccessKeyLastUsed", ["AccessKeyId": .string(id)], as: visit),
                        let used = use["AccessKeyLastUsed"]?["LastUsedDate"]?.timestamp
                    {
                        lastUsed = max(lastUsed ?? used, used)
                    } else if now.timeIntervalSince(created) > 45 * 86_400 {
                        stale = true
                    }
                }
            }
            if stale || lastUsed.map({ now.timeIntervalSince($0) > 45 * 86_400 }) == true { unused.append(name) }
        }
        values.add(
            withoutMFA, title: "Users without MFA", detail: "These users sign in with a password alone: ask them to assign an MFA device.",
            passed: "Every IAM user has MFA.")
        values.add(
            oldKeys, title: "Access keys older than 90 days", detail: "Rotate them: create a new key, switch to it, then deactivate and delete the old one.",
            passed: "No active access key is older than 90 days.")
        values.add(
            unused, title: "Credentials unused for over 45 days", detail: "Remove passwords and keys nobody uses.",
            passed: "No credential has gone unused for over 45 days.")
    }
}

/// What the dashboard shows.
struct DashboardPage {
    var counts: [Count] = []
    var recommendations: [Recommendation] = []
    var passed: [String] = []
    var problems: [Problem] = []

    /// A recommendation naming `names`, or a passed check when there are none.
    mutating func add(_ names: [String], title: String, detail: String, passed: String) {
        if names.isEmpty {
            self.passed.append(passed)
        } else {
            recommendations.append(
                Recommendation(title: "\(title): \(names.count)", detail: detail + " " + names.joined(separator: ", "), fix: "/console/users", fixLabel: "Open users", who: nil))
        }
    }
}

/// One of the account's counts.
struct Count {
    var label: String
    var value: Int64
}

/// A security recommendation and where to fix it.
struct Recommendation {
    var title: String
    var detail: String
    /// The page that fixes it; `nil` when the visitor cannot.
    var fix: String?
    var fixLabel: String
    /// Who can fix it, when the visitor cannot.
    var who: String?
}
