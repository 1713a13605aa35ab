import AWSWire
import AccessPolicy
import Foundation
import Storage

/// The IAM API (`iam`, query protocol): every operation as a function from its input to its
/// output, over the store (writes, in the caller's transaction) and the snapshot (reads).
///
/// The AWS endpoint and the web console call the same functions, so the rules are one.
public struct IAMOperations: Sendable {
    let directory: Directory

    public init(directory: Directory) {
        self.directory = directory
    }

    public typealias Entry = OperationEntry

    /// Every IAM operation Gatehouse serves.
    public var entries: [Entry] {
        userEntries + groupEntries + roleEntries + policyEntries + inlinePolicyEntries + accessKeyEntries + loginProfileEntries
            + accountEntries + mfaEntries + reportEntries
    }

    static let model = ServiceModel.iam

    static func noSuchEntity(_ message: String) -> AWSError { model.error("NoSuchEntityException", message) }
    static func alreadyExists(_ message: String) -> AWSError { model.error("EntityAlreadyExistsException", message) }
    static func deleteConflict(_ message: String) -> AWSError { model.error("DeleteConflictException", message) }
    static func limitExceeded(_ message: String) -> AWSError { model.error("LimitExceededException", message) }
    static func invalidInput(_ message: String) -> AWSError { model.error("InvalidInputException", message) }
    static func malformedPolicy(_ message: String) -> AWSError { model.error("MalformedPolicyDocumentException", message) }

    /// The caller's account.
    static func account(_ call: OperationCall) throws -> String { try call.requireCaller().principal.accountId }

    /// A transaction over the caller's account's IAM documents.
    static func transaction(_ call: OperationCall) throws -> DocumentTransaction {
        DocumentTransaction(session: try call.requireSession(), accountId: try account(call))
    }

    static func string(_ call: OperationCall, _ name: String) -> String? { call.input[name]?.string }

    static func required(_ call: OperationCall, _ name: String) throws -> String {
        guard let value = call.input[name]?.string else {
            throw AWSError.validation(
                "1 validation error detected: Value null at '\(name.prefix(1).lowercased() + name.dropFirst())' failed to satisfy constraint: Member must not be null",
                wireProtocol: .query)
        }
        return value
    }

    /// `Marker`/`MaxItems` paging over items already in order.
    static func page<T>(_ items: [T], call: OperationCall, key: (T) -> String) throws -> (items: [T], marker: String?) {
        let maxItems = Int(call.input["MaxItems"]?.integer ?? 100)
        var start = 0
        if let after = try marker(call) {
            start = items.firstIndex { key($0) > after } ?? items.count
        }
        let slice = Array(items[start..<min(items.count, start + maxItems)])
        let more = start + maxItems < items.count
        return (slice, more ? slice.last.map { Base64.encode(Array(key($0).utf8)) } : nil)
    }

    /// `Marker`/`MaxItems` paging over a snapshot map, whose keys are the markers: `output` writes out each
    /// entry as it is read, or skips it with `nil`. A binary search and a walk, however many entries there are.
    static func page<T>(_ map: SortedMap<T>, call: OperationCall, output: (_ key: String, _ value: T) -> AWSValue?) throws
        -> (items: [AWSValue], marker: String?)
    {
        let (items, last) = map.page(after: try marker(call), limit: Int(call.input["MaxItems"]?.integer ?? 100), output)
        return (items, last.map { Base64.encode(Array($0.utf8)) })
    }

    /// The key a call's `Marker` continues after.
    private static func marker(_ call: OperationCall) throws -> String? {
        guard let marker = call.input["Marker"]?.string else { return nil }
        guard let bytes = Base64.decode(marker) else { throw invalidInput("Invalid Marker.") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A list output with `IsTruncated` and `Marker`.
    static func listOutput(_ member: String, _ values: [AWSValue], marker: String?) -> AWSValue {
        var output: [String: AWSValue] = [member: .list(values), "IsTruncated": .boolean(marker != nil)]
        if let marker { output["Marker"] = .string(marker) }
        return .object(output)
    }

    static func tags(_ tags: [IAMTag]) -> AWSValue {
        .list(tags.map { ["Key": .string($0.key), "Value": .string($0.value)] })
    }

    /// Reads `Tags.member.N` and checks AWS's tag rules (at most 50, unique keys).
    static func inputTags(_ call: OperationCall, merging existing: [IAMTag] = []) throws -> [IAMTag] {
        var tags = existing
        for item in call.input["Tags"]?.list ?? [] {
            let key = item["Key"]?.string ?? ""
            let value = item["Value"]?.string ?? ""
            if let index = tags.firstIndex(where: { $0.key.lowercased() == key.lowercased() }) {
                tags[index] = IAMTag(key: tags[index].key, value: value)
            } else {
                tags.append(IAMTag(key: key, value: value))
            }
        }
        if tags.count > 50 { throw limitExceeded("The number of tags has reached the maximum limit.") }
        return tags
    }

    /// The ARN of an entity: `arn:aws:iam::<account>:<type><path><name>`.
    static func arn(_ accountId: String, _ type: String, path: String, name: String) -> String {
        "arn:aws:iam::\(accountId):\(type)\(path)\(name)"
    }

    static func permissionsBoundary(_ arn: String?) -> AWSValue? {
        arn.map { ["PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": .string($0)] }
    }

    /// Validates an identity policy document, as IAM does on every write.
    static func validateIdentityPolicy(_ document: String) throws {
        try validatePolicy(document, kind: .identity)
    }
}
