import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 32-byte secret in a file of the data folder (mode 0600), made on first use.
///
/// Several processes may race to create it: each writes a private temporary file and `link(2)`s it into place;
/// the losers read the winner's bytes.
enum KeyFile {
    static let size = 32

    /// The bytes in `name` in `directory`, creating the file from `make()` if it does not exist.
    static func loadOrCreate(_ name: String, in directory: String, make: () -> [UInt8]) throws -> [UInt8] {
        let path = directory + "/" + name
        if let bytes = try read(path) { return bytes }
        let temporary = directory + "/.\(name).\(UInt64.random(in: 0...UInt64.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw DirectoryError.storage("cannot create \(temporary): errno \(errno)") }
        defer { unlink(temporary) }
        let bytes = make()
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == size, synced == 0 else { throw DirectoryError.storage("cannot write \(temporary)") }
        if link(temporary, path) != 0, errno != EEXIST {
            throw DirectoryError.storage("cannot create \(path): errno \(errno)")
        }
        guard let key = try read(path) else { throw DirectoryError.storage("\(path) vanished") }
        return key
    }

    static func read(_ path: String) throws -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard data.count == size else { throw DirectoryError.storage("\(path) is not a \(size)-byte key") }
        return Array(data)
    }
}
