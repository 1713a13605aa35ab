/// An error as an AWS service returns it: a code, a message and an HTTP status.
///
/// ```swift
/// throw AWSError(code: "NoSuchEntity", message: "The user with name bob cannot be found.", status: 404)
/// ```
public struct AWSError: Error, Sendable, Equatable {
    /// The error code (`NoSuchEntity`, `AccessDeniedException`).
    public var code: String
    public var message: String
    /// The HTTP status.
    public var status: Int
    /// Members the error shape has besides its message (`Reason` of Organizations' `ConstraintViolationException`),
    /// written into JSON error bodies.
    public var fields: [String: String] = [:]
    /// Facts for the call's audit record, never written to the wire (which policy refused a request).
    public var details: [String: AWSValue] = [:]

    public init(code: String, message: String, status: Int = 400) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// `Sender` for client errors, `Receiver` for server errors (query protocol's `Error/Type`).
    public var faultType: String { status >= 500 ? "Receiver" : "Sender" }

    /// Input that fails the model's constraints (`ValidationError` in query services, `ValidationException` in JSON ones).
    public static func validation(_ message: String, wireProtocol: ServiceModel.WireProtocol) -> AWSError {
        AWSError(code: wireProtocol == .query ? "ValidationError" : "ValidationException", message: message, status: 400)
    }

    /// A body that cannot be read as the protocol's format.
    public static func serialization(_ message: String, wireProtocol: ServiceModel.WireProtocol) -> AWSError {
        wireProtocol == .query
            ? AWSError(code: "MalformedQueryString", message: message, status: 400)
            : AWSError(code: "SerializationException", message: message, status: 400)
    }

    /// The operation is in AWS's model but Gatehouse does not serve it.
    public static func notImplemented(service: String, operation: String) -> AWSError {
        AWSError(code: "NotImplemented", message: "Gatehouse does not implement \(service):\(operation).", status: 501)
    }

    /// Anything unexpected on the server side.
    public static let internalFailure = AWSError(
        code: "InternalFailure",
        message: "The request processing has failed because of an unknown error, exception or failure.",
        status: 500
    )
}
