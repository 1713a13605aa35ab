import Crypto
import Foundation

/// The audit signing key: an Ed25519 private key in the data folder (`audit-signing.key`, 32 bytes, mode 0600, beside
/// `instance.key`), made on first start, that signs the audit trail's checkpoints. Its public key (`gatehouse audit
/// public-key`) verifies them anywhere, as CloudTrail's digest files are verified with AWS's public key.
public struct AuditSigningKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// A key that lives only in memory (tests, in-memory stores).
    public static func ephemeral() -> AuditSigningKey {
        AuditSigningKey(key: Curve25519.Signing.PrivateKey())
    }

    /// Reads `audit-signing.key` in `directory`, creating it if it does not exist.
    public static func loadOrCreate(in directory: String) throws -> AuditSigningKey {
        let bytes = try KeyFile.loadOrCreate("audit-signing.key", in: directory) { Array(Curve25519.Signing.PrivateKey().rawRepresentation) }
        return AuditSigningKey(key: try Curve25519.Signing.PrivateKey(rawRepresentation: bytes))
    }

    /// The public key, base64 of its 32 bytes.
    public var publicKey: String { key.publicKey.rawRepresentation.base64EncodedString() }

    /// Base64 signature of `text`.
    func sign(_ text: String) throws -> String {
        try key.signature(for: Array(text.utf8)).base64EncodedString()
    }

    /// Whether `signature` (base64) is `publicKey`'s (base64) signature of `text`.
    static func isValid(_ signature: String, of text: String, publicKey: String) -> Bool {
        guard let keyBytes = Data(base64Encoded: publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes),
            let signatureBytes = Data(base64Encoded: signature)
        else { return false }
        return key.isValidSignature(signatureBytes, for: Array(text.utf8))
    }
}
