import AWSWire
import Directory

/// The operations Gatehouse serves, by SigV4 service name and operation name.
struct OperationRegistry: Sendable {
    /// One served operation.
    struct Entry: Sendable {
        var handler: OperationHandler
        /// Whether CloudTrail counts the call as read-only (it changes no resource: `AssumeRole` is one).
        var readOnly: Bool
        /// Whether the call writes (issued credentials, an MFA code's last use included): it then runs in a write
        /// transaction that its audit event commits in too.
        var mutates: Bool
        /// Whether the handler checks its own input and answers with the service's own
        /// error codes (CloudTrail's `InvalidMaxResultsException`) instead of the generic validation error.
        var validatesInput: Bool = false
        /// Members the model requires that the operation lets callers omit.
        var optionalMembers: Set<String> = []

        init(
            handler: @escaping OperationHandler, readOnly: Bool, mutates: Bool? = nil, validatesInput: Bool = false,
            optionalMembers: Set<String> = []
        ) {
            self.handler = handler
            self.readOnly = readOnly
            self.mutates = mutates ?? !readOnly
            self.validatesInput = validatesInput
            self.optionalMembers = optionalMembers
        }
    }

    private var entries: [String: [String: Entry]] = [:]

    mutating func add(service: String, operation: String, _ entry: Entry) {
        entries[service, default: [:]][operation] = entry
    }

    func entry(service: String, operation: String) -> Entry? {
        entries[service]?[operation]
    }
}
