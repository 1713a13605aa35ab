import AWSWire
import Directory

/// The operations Gatehouse serves, by SigV4 service name and operation name.
struct OperationRegistry: Sendable {
    /// One served operation.
    struct Entry: Sendable {
        var handler: OperationHandler
        /// Whether CloudTrail counts the call as read-only (it changes nothing).
        var readOnly: Bool
        /// Whether the handler checks its own input and answers with the service's own
        /// error codes (CloudTrail's `InvalidMaxResultsException`) instead of the generic validation error.
        var validatesInput: Bool = false
        /// Members the model requires that the operation lets callers omit.
        var optionalMembers: Set<String> = []
    }

    private var entries: [String: [String: Entry]] = [:]

    mutating func add(service: String, operation: String, _ entry: Entry) {
        entries[service, default: [:]][operation] = entry
    }

    func entry(service: String, operation: String) -> Entry? {
        entries[service]?[operation]
    }
}
