import AWSWire
import Directory

/// The operations Gatehouse serves, by SigV4 service name and operation name.
struct OperationRegistry: Sendable {
    private var entries: [String: [String: OperationEntry]] = [:]

    /// Every operation of every service.
    init(_ services: [(ServiceModel, [OperationEntry])]) {
        for (service, operations) in services {
            for operation in operations { entries[service.signingName, default: [:]][operation.name] = operation }
        }
    }

    func entry(service: String, operation: String) -> OperationEntry? {
        entries[service]?[operation]
    }
}
