import Crypto
import Foundation

/// Time-based one-time passwords as authenticator apps make them: RFC 6238 over RFC 4226,
/// HMAC-SHA-1, 6 digits, 30-second steps. The seed is raw bytes (shown to people in base 32).
public struct TOTP: Sendable {
    public let seed: [UInt8]
    public static let period: Int64 = 30

    public init(seed: [UInt8]) {
        self.seed = seed
    }

    /// A new random 20-byte seed (160 bits, as RFC 4226 recommends).
    public static func randomSeed() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The time step a moment falls in.
    public static func step(at date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down)) / period
    }

    /// The 6-digit code of a time step.
    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: seed)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let value = (UInt32(mac[offset] & 0x7F) << 24 | UInt32(mac[offset + 1]) << 16 | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])) % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: 6 - text.count) + text
    }

    /// The step whose code is `code`, searching `window` steps either side of `at`; constant time per comparison.
    public func matchingStep(_ code: String, at date: Date, window: Int64 = 1) -> Int64? {
        guard code.utf8.count == 6, code.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let now = Self.step(at: date)
        var found: Int64?
        for step in (now - window)...(now + window) where Self.constantTimeEquals(self.code(step: step), code) {
            found = step
        }
        return found
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        ConstantTime.equals(a.utf8, b.utf8)
    }

    /// The `otpauth://` URI an authenticator app reads from a QR code: the label (`device@account`), the secret in base 32, the issuer.
    public static func provisioningURI(label: String, secret: String, issuer: String = "Gatehouse") -> String {
        let label = label.addingPercentEncoding(withAllowedCharacters: .rfc3986Unreserved.union(CharacterSet(charactersIn: "@"))) ?? label
        return "otpauth://totp/\(label)?secret=\(secret)&issuer=\(issuer)"
    }

    /// The bytes of RFC 4648 base 32 text (padding, spaces and case ignored); `nil` when it is not base 32.
    public static func base32Decode(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bytes: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased() where character != "=" && !character.isWhitespace {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return bytes
    }

    /// RFC 4648 base 32, without padding (what authenticator apps read).
    public static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var out = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return out
    }
}
