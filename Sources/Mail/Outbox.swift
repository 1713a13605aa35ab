import Foundation

/// Where Gatehouse's mail goes: each message becomes an `.eml` file in the outbox folder, written to a
/// temporary name, synced and renamed, so a message the caller was told about is on disk whole.
public final class Outbox: Sendable {
    public let folder: String
    /// The sender every message names.
    public let sender: String

    public init(folder: String, sender: String = "Gatehouse <no-reply@gatehouse.local>") throws {
        self.folder = folder
        self.sender = sender
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// The outbox of a data folder (`<data dir>/outbox`); a server kept in memory gets a temporary folder.
    public static func folder(in dataDirectory: String?) -> String {
        dataDirectory.map { $0 + "/outbox" } ?? FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-outbox-\(UUID().uuidString)").path
    }

    /// Writes `message` to the outbox; returns its file name. Durable when it returns.
    @discardableResult
    public func send(to recipient: String, subject: String, text: String, now: Date = Date()) throws -> String {
        let id = UUID().uuidString.lowercased()
        let message = MailMessage(from: sender, to: recipient, subject: subject, text: text)
        let rendered = message.rendered(date: now, messageId: "\(id)@gatehouse.local")
        let name = "\(Int64(now.timeIntervalSince1970 * 1000))-\(id).eml"
        let temporary = "\(folder)/.\(name).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(rendered.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw OutboxError.unwritable(folder)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.synchronize()
        try handle.close()
        try FileManager.default.moveItem(atPath: temporary, toPath: "\(folder)/\(name)")
        return name
    }

    /// The folder a relay moves delivered messages to.
    var sentFolder: String { folder + "/sent" }

    /// The messages waiting in the folder, oldest first (by name: names start with the time they were written).
    func waiting() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasSuffix(".eml") && !$0.hasPrefix(".") }.sorted()
    }

    /// A waiting message's text.
    func read(_ name: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: "\(folder)/\(name)") else { throw OutboxError.unwritable(folder) }
        return String(decoding: data, as: UTF8.self)
    }

    /// Moves a delivered message to `sent/`.
    func markSent(_ name: String) throws {
        let sent = sentFolder
        try FileManager.default.createDirectory(atPath: sent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.moveItem(atPath: "\(folder)/\(name)", toPath: "\(sent)/\(name)")
    }
}

/// The outbox could not take a message.
public enum OutboxError: Error, CustomStringConvertible {
    case unwritable(String)

    public var description: String {
        switch self {
        case .unwritable(let folder): "cannot write to the outbox \(folder)"
        }
    }
}
