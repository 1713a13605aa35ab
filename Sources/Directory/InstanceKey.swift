import Crypto
import Foundation

/// The instance key: 32 random bytes in the data folder (`instance.key`, mode 0600),
/// made on first start. Access-key secrets and other secrets are sealed under it
/// (AES-256-GCM), so the database alone reveals none of them.
public struct InstanceKey: Sendable {
    let key: SymmetricKey

    /// A key that lives only in memory (tests, in-memory stores).
    public static func ephemeral() -> InstanceKey {
        InstanceKey(key: SymmetricKey(size: .bits256))
    }

    /// Reads `instance.key` in `directory`, creating it if it does not exist.
    public static func loadOrCreate(in directory: String) throws -> InstanceKey {
        let bytes = try KeyFile.loadOrCreate("instance.key", in: directory) { SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) } }
        return InstanceKey(key: SymmetricKey(data: bytes))
    }

    /// Seals `plaintext`, bound to `context` (e.g. the access key id) so a sealed value cannot be moved to another row.
    public func seal(_ plaintext: String, context: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(Array(plaintext.utf8), using: key, authenticating: Array(context.utf8))
        guard let combined = box.combined else { throw DirectoryError.storage("AES-GCM produced no combined form") }
        return Array(combined)
    }

    /// Opens what ``seal(_:context:)`` sealed with the same context.
    public func unseal(_ sealed: [UInt8], context: String) throws -> String {
        let box = try AES.GCM.SealedBox(combined: sealed)
        let plaintext = try AES.GCM.open(box, using: key, authenticating: Array(context.utf8))
        return String(decoding: plaintext, as: UTF8.self)
    }
}
