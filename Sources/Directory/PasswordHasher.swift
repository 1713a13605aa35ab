import Crypto
import Dispatch
import Foundation
import HummingbirdBcrypt
import Metrics

/// bcrypt for passwords, without bcrypt's traps: the password is first hashed with
/// SHA-256 (base64, 44 bytes), so long passwords are never truncated at 72 bytes and
/// a NUL cannot end them early; the work runs off the cooperative thread pool. A check for a name that has no
/// password runs bcrypt too, against a hash of the same cost, so an unknown name takes as long as a known one.
public struct PasswordHasher: Sendable {
    /// bcrypt cost, 10...31.
    public let cost: UInt8
    /// A hash of a random password, made once in the background, that checks for unknown names are run against.
    private let standIn: Task<String, Never>
    /// Every bcrypt check, of a real hash or the stand-in (`gatehouse_password_checks_total`).
    private let checks = Counter(label: "gatehouse_password_checks_total")

    public init(cost: UInt8 = 12) throws {
        guard (10...31).contains(cost) else { throw DirectoryError.invalidInput("bcrypt cost must be between 10 and 31") }
        self.cost = cost
        let random = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        standIn = Task { await Self.offload { Bcrypt.hash(random, cost: cost) } }
    }

    public func hash(_ password: String) async -> String {
        let input = Self.prehash(password)
        let cost = cost
        return await Self.offload { Bcrypt.hash(input, cost: cost) }
    }

    /// Whether `password` matches `hash`; without a hash (no such user, or no password), bcrypt runs against the
    /// stand-in and the answer is no.
    public func verify(_ password: String, hash: String?) async -> Bool {
        let input = Self.prehash(password)
        let checked = if let hash { hash } else { await standIn.value }
        checks.increment()
        let matches = await Self.offload { Bcrypt.verify(input, hash: checked) }
        return matches && hash != nil
    }

    /// Whether `hash` was made at another cost than this hasher's (a cost changed since): a sign-in that proves the
    /// password then stores it again at this cost, so every known name costs what the stand-in for unknown ones does.
    public func needsRehash(_ hash: String) -> Bool {
        let parts = hash.split(separator: "$")
        return parts.count >= 3 && UInt8(parts[1]) != cost
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
