import Crypto
import Foundation

/// AWS's managed policies, under `arn:aws:iam::aws:policy/...` (job-function, service-role and the other paths too):
/// AWS's own documents, default versions and dates, as `scripts/generate-managed-policies.py` writes them into
/// `aws-managed-policies.json`. Read-only, attachable in every account. Read once, on first use.
public enum AWSManagedPolicies {
    /// Every AWS managed policy, by ARN.
    public static let byArn: [String: ManagedPolicy] = Dictionary(uniqueKeysWithValues: all.map { ($0.arn, $0) })

    /// Every AWS managed policy, ordered by name.
    public static let all: [ManagedPolicy] = load()

    /// One policy as the generator writes it.
    struct Entry: Decodable {
        let name: String
        let path: String
        let defaultVersionId: String
        let created: String
        let updated: String
        let document: String
    }

    static func load() -> [ManagedPolicy] {
        guard let url = Bundle.module.url(forResource: "aws-managed-policies", withExtension: "json"),
            let data = try? Data(contentsOf: url), let entries = try? JSONDecoder().decode([Entry].self, from: data)
        else { preconditionFailure("the AWS managed policies (aws-managed-policies.json) are missing or unreadable") }
        let dates = ISO8601DateFormatter()
        return entries.map { entry in
            let created = dates.date(from: entry.created) ?? Date(timeIntervalSince1970: 0)
            let updated = dates.date(from: entry.updated) ?? created
            return ManagedPolicy(
                name: entry.name, id: id(of: entry.name), path: entry.path, arn: "arn:aws:iam::aws:policy\(entry.path)\(entry.name)",
                created: created, updated: updated, description: nil, tags: [], defaultVersionId: entry.defaultVersionId,
                versions: [.init(id: entry.defaultVersionId, document: entry.document, created: updated)], nextVersion: 0)
        }
    }

    /// A stable ID: the same policy has the same ID in every installation, as on AWS.
    static func id(of name: String) -> String {
        let digest = SHA256.hash(data: Array(name.utf8))
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return "ANPA" + String(digest.prefix(17).map { alphabet[Int($0) % 32] })
    }
}
