import Crypto
import Dispatch
import Foundation
import HummingbirdBcrypt

/// bcrypt for passwords, without bcrypt's traps: the password is first hashed with
/// SHA-256 (base64, 44 bytes), so long passwords are never truncated at 72 bytes and
/// a NUL cannot end them early; the work runs off the cooperative thread pool.
public struct PasswordHasher: Sendable {
    /// bcrypt cost, 10...31.
    public let cost: UInt8

    public init(cost: UInt8 = 12) throws {
        guard (10...31).contains(cost) else { throw DirectoryError.invalidInput("bcrypt cost must be between 10 and 31") }
        self.cost = cost
    }

    public func hash(_ password: String) async -> String {
        let input = Self.prehash(password)
        let cost = cost
        return await Self.offload { Bcrypt.hash(input, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async -> Bool {
        let input = Self.prehash(password)
        return await Self.offload { Bcrypt.verify(input, hash: hash) }
    }

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Array(password.utf8))).base64EncodedString()
    }

    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
