import Crypto
import Foundation
import Synchronization

/// Makes the identifiers AWS hands out, from a CSPRNG (secrets from the system's, directly).
public enum Identifiers {
    static let base32: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    static let secretAlphabet: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// A 12-digit account ID (never the `--dev` account's all-zero ID).
    static func accountId() -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            let id = String((0..<12).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            if id != DevAccount.id { return id }
        }
    }

    /// An ID with an AWS prefix and base-32 characters: `AKIA` + 16 for keys, `AIDA` + 17 for users.
    static func prefixed(_ prefix: String, length: Int = 16) -> String {
        prefix + drawn(length, from: base32)
    }

    /// `length` characters of an alphabet of 32 or 64, each from its own bits of the CSPRNG's 64-bit
    /// draws (uniform, as the alphabet's size is a power of two; one system call per 12 or 10 characters).
    static func drawn(_ length: Int, from alphabet: [Character]) -> String {
        let bits = alphabet.count.trailingZeroBitCount
        precondition(alphabet.count == 1 << bits)
        var generator = SystemRandomNumberGenerator()
        var text = ""
        var word: UInt64 = 0
        var left = 0
        for _ in 0..<length {
            if left < bits {
                word = generator.next()
                left = 64
            }
            text.append(alphabet[Int(word & UInt64(alphabet.count - 1))])
            word >>= UInt64(bits)
            left -= bits
        }
        return text
    }

    /// Lower-case letters and digits: `o-` + 10 for an organization, `ou-` IDs, Identity Center IDs.
    public static func lowercase(_ length: Int, alphabet: String = "abcdefghijklmnopqrstuvwxyz0123456789") -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = Array(alphabet)
        return String((0..<length).map { _ in characters.randomElement(using: &generator)! })
    }

    /// Lower-case hexadecimal digits.
    public static func hex(_ length: Int) -> String { lowercase(length, alphabet: "0123456789abcdef") }

    /// A random (version 4) UUID in lower case: request IDs, identity store IDs and the other UUIDs handed out.
    ///
    /// Its bits come from ``IdentifierRandomness``'s pool, refilled once per 256 UUIDs (Foundation's
    /// `UUID()` opens, reads and closes `/dev/urandom` for each one).
    public static func uuid() -> String {
        var (high, low) = IdentifierRandomness.shared.next128()
        high = (high & ~0xF000) | 0x4000  // version 4
        low = (low & ~(0b11 << 62)) | (0b10 << 62)  // variant 10
        return uuidText(high: high, low: low)
    }

    /// A time-ordered (version 7) UUID in lower case: the Unix time in milliseconds, then 74 random bits.
    ///
    /// Audit event IDs are these, so that their unique index grows at its end: with random IDs each
    /// insert lands on a page of its own, which SQLite reads and writes back whole.
    static func timeOrderedUUID(at date: Date) -> String {
        var (high, low) = IdentifierRandomness.shared.next128()
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        high = milliseconds << 16 | 0x7000 | (high & 0x0FFF)  // version 7
        low = (low & ~(0b11 << 62)) | (0b10 << 62)  // variant 10
        return uuidText(high: high, low: low)
    }

    /// 32 hex digits, high word first, with dashes before digits 8, 12, 16 and 20.
    private static func uuidText(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { out in
            var index = 0
            for digit in 0..<32 {
                if digit == 8 || digit == 12 || digit == 16 || digit == 20 {
                    out[index] = UInt8(ascii: "-")
                    index += 1
                }
                let word = digit < 16 ? high : low
                let value = UInt8((word >> UInt64(60 - 4 * (digit % 16))) & 0xF)
                out[index] = value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
                index += 1
            }
            return index
        }
    }

    /// Letters and digits only, safe in a URL or a cookie without encoding: sign-in codes and form tokens.
    public static func urlSafe(_ length: Int) -> String {
        lowercase(length, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    }

    /// An identity store user, group or membership ID: 10 hex digits, a dash and a UUID.
    static func identityStoreResourceId() -> String { hex(10) + "-" + uuid() }

    /// A 40-character secret access key.
    static func secret() -> String {
        drawn(40, from: secretAlphabet)
    }
}

/// The account `--dev` makes: the convention local AWS emulators share.
public enum DevAccount {
    public static let id = "000000000000"
    public static let accessKeyId = "test"
    public static let secret = "test"
    public static let email = "dev@gatehouse.local"
    public static let name = "dev"
}

/// Random bits for identifiers that are unique but not secret (request, event and resource IDs): the
/// ChaCha20 keystream of a key drawn from the system's CSPRNG when the process starts, 4 KiB at a time
/// under a counter nonce that never repeats. (The kernel's `getrandom` costs about a microsecond per ID
/// here.) Secrets (keys, passwords, tokens) draw from the system's CSPRNG directly.
final class IdentifierRandomness: Sendable {
    static let shared = IdentifierRandomness()

    private struct Pool {
        var words = [UInt64](repeating: 0, count: 512)
        var next = 512
        var refills: UInt64 = 0
    }

    private let key = SymmetricKey(size: .bits256)
    private let pool = Mutex(Pool())
    private static let zeros = [UInt8](repeating: 0, count: 4096)

    func next128() -> (UInt64, UInt64) {
        pool.withLock { pool in
            if pool.next + 2 > pool.words.count {
                refill(&pool)
            }
            defer { pool.next += 2 }
            return (pool.words[pool.next], pool.words[pool.next + 1])
        }
    }

    /// The next 4 KiB of keystream: ChaCha20-Poly1305 sealing zeros under nonce `refills` (the tag is dropped).
    private func refill(_ pool: inout Pool) {
        var nonce = [UInt8](repeating: 0, count: 12)
        withUnsafeBytes(of: pool.refills.littleEndian) { nonce.replaceSubrange(0..<8, with: $0) }
        pool.refills += 1
        pool.next = 0
        if let sealed = try? ChaChaPoly.seal(Self.zeros, using: key, nonce: ChaChaPoly.Nonce(data: nonce)) {
            pool.words.withUnsafeMutableBytes { words in sealed.ciphertext.withUnsafeBytes { words.copyMemory(from: $0) } }
        } else {
            // (A 12-byte nonce is always valid: sealing does not fail. Were it to, the system's CSPRNG serves.)
            var generator = SystemRandomNumberGenerator()
            for index in pool.words.indices { pool.words[index] = generator.next() }
        }
    }
}
