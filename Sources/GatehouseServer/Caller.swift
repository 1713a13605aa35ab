import AWSWire
import Directory
import Foundation

/// The authenticated caller of an AWS operation, and where the call came from.
public struct Caller: Sendable {
    public var principal: Principal
    public var accessKeyId: String
    /// Whether the request was signed with temporary credentials.
    public var sessionCredentials: Bool
    /// The region of the credential scope.
    public var region: String
    public var sourceIPAddress: String
    public var userAgent: String
}

/// One operation call as a handler receives it.
public struct OperationCall: Sendable {
    public var input: AWSValue
    /// `nil` only for operations AWS calls without SigV4.
    public var caller: Caller?
    public var requestId: String
    public var time: Date
}

/// Runs one operation: input in, output out; throws ``AWSError`` for AWS errors.
public typealias OperationHandler = @Sendable (OperationCall) async throws -> AWSValue
