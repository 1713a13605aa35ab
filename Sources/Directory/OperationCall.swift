import AWSWire
import Foundation
import Storage

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
    /// For temporary credentials: when they were issued (`aws:TokenIssueTime`).
    public var sessionIssued: Date?
    /// When an MFA code was checked for these credentials (`aws:MultiFactorAuthAge`); `nil` without MFA.
    public var mfaAuthenticated: Date?
    /// The request went unchecked (emulator mode): the caller stands in for an unknown key.
    public var permissive: Bool
    /// The call comes from a console sign-in session. Like the temporary credentials AWS's console holds, it
    /// always says whether MFA was used (`aws:MultiFactorAuthPresent`), where long-term keys say nothing.
    public var consoleSession: Bool
    /// The request came over TLS (`aws:SecureTransport`).
    public var secureTransport: Bool

    public init(
        principal: Principal, accessKeyId: String, sessionCredentials: Bool, region: String, sourceIPAddress: String, userAgent: String,
        sessionIssued: Date? = nil, mfaAuthenticated: Date? = nil, permissive: Bool = false, consoleSession: Bool = false,
        secureTransport: Bool = false
    ) {
        self.principal = principal
        self.accessKeyId = accessKeyId
        self.sessionCredentials = sessionCredentials
        self.region = region
        self.sourceIPAddress = sourceIPAddress
        self.userAgent = userAgent
        self.sessionIssued = sessionIssued
        self.mfaAuthenticated = mfaAuthenticated
        self.permissive = permissive
        self.consoleSession = consoleSession
        self.secureTransport = secureTransport
    }
}

/// One operation call as a handler receives it.
public struct OperationCall: Sendable {
    public var input: AWSValue
    /// `nil` only for operations AWS calls without SigV4.
    public var caller: Caller?
    public var requestId: String
    public var time: Date
    /// For a state-changing operation: the write transaction the change (and its audit event) commits in.
    public var session: StoreSession?

    public init(input: AWSValue, caller: Caller?, requestId: String, time: Date, session: StoreSession? = nil) {
        self.input = input
        self.caller = caller
        self.requestId = requestId
        self.time = time
        self.session = session
    }

    /// The caller, for operations that require one.
    public func requireCaller() throws -> Caller {
        guard let caller else { throw AWSError.internalFailure }
        return caller
    }

    /// The write transaction, for state-changing operations.
    public func requireSession() throws -> StoreSession {
        guard let session else { throw AWSError.internalFailure }
        return session
    }
}

/// Runs one operation: input in, output out; throws ``AWSError`` for AWS errors.
public typealias OperationHandler = @Sendable (OperationCall) async throws -> AWSValue

/// One operation of a service: its name, whether CloudTrail counts it read-only and whether it writes, and its handler.
public struct OperationEntry: Sendable {
    public let name: String
    /// Whether CloudTrail counts the call as read-only (it changes no resource: `AssumeRole` is one).
    public let readOnly: Bool
    /// Whether the call writes (issued credentials, an MFA code's last use included): it then runs in a write
    /// transaction that its audit event commits in too.
    public let mutates: Bool
    public let handler: OperationHandler
    /// Members the model requires that Gatehouse lets callers omit (`UserName` for root's own MFA).
    public var optionalMembers: Set<String> = []
    /// Whether the handler checks its own input and answers with the service's own error codes (CloudTrail's
    /// `InvalidMaxResultsException`) instead of the generic validation error.
    public var validatesInput: Bool

    /// `mutates` is `!readOnly` unless said.
    public init(
        name: String, readOnly: Bool, mutates: Bool? = nil, validatesInput: Bool = false, handler: @escaping OperationHandler,
        optionalMembers: Set<String> = []
    ) {
        self.name = name
        self.readOnly = readOnly
        self.mutates = mutates ?? !readOnly
        self.validatesInput = validatesInput
        self.handler = handler
        self.optionalMembers = optionalMembers
    }
}
