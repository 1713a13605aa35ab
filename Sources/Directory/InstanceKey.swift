import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    ///
    /// Several processes may race to create it: each writes a private temporary file
    /// and `link(2)`s it into place; the losers read the winner's key.
    public static func loadOrCreate(in directory: String) throws -> InstanceKey {
        let path = directory + "/instance.key"
        if let key = try read(path) { return key }
        let temporary = directory + "/.instance.key.\(UInt64.random(in: 0...UInt64.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw DirectoryError.storage("cannot create \(temporary): errno \(errno)") }
        defer { unlink(temporary) }
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == 32, synced == 0 else { throw DirectoryError.storage("cannot write \(temporary)") }
        if link(temporary, path) != 0, errno != EEXIST {
            throw DirectoryError.storage("cannot create \(path): errno \(errno)")
        }
        guard let key = try read(path) else { throw DirectoryError.storage("\(path) vanished") }
        return key
    }

    static func read(_ path: String) throws -> InstanceKey? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard data.count == 32 else { throw DirectoryError.storage("\(path) is not a 32-byte key") }
        return InstanceKey(key: SymmetricKey(data: data))
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
