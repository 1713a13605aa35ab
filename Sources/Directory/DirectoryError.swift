/// An error of the domain: what a caller did wrong, in words for the caller, or a storage fault.
///
/// The server maps each kind to the AWS error of the calling protocol.
public struct DirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Kind: Sendable, Equatable {
        /// The input breaks a rule (bad email, weak password, ...).
        case invalidInput
        /// The entity exists already.
        case alreadyExists
        /// No such entity.
        case notFound
        /// The password was right but is a one-time password: the user must choose a new one to go on.
        case passwordChangeRequired
        /// The password was right, but the instance makes a user without an MFA device register one to go on.
        case mfaRegistrationRequired
        /// Too many failed sign-ins: the attempt was not made (it is not a failure of its own).
        case throttled
        /// The store or the data folder failed.
        case storage
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func invalidInput(_ message: String) -> DirectoryError { DirectoryError(.invalidInput, message) }
    static func alreadyExists(_ message: String) -> DirectoryError { DirectoryError(.alreadyExists, message) }
    static func storage(_ message: String) -> DirectoryError { DirectoryError(.storage, message) }
}
