import Directory
import Foundation
import Logging
import Synchronization

/// What the tests share: a logger, in-memory directories and scratch data folders.
///
/// Every `Directory` a test opens is closed before it is released, including when the test
/// fails half-way: the helpers here close what they opened whatever the body does.
enum Scratch {
    static let logger = Logger(label: "test")

    /// Runs `body` with a private in-memory directory (bcrypt cost 10), closed afterwards.
    static func withDirectory<T>(_ body: (Directory) async throws -> T) async throws -> T {
        let directory = try await Directory.open(dataDirectory: nil, bcryptCost: 10, logger: logger)
        do {
            let result = try await body(directory)
            try await directory.close()
            return result
        } catch {
            try? await directory.close()
            throw error
        }
    }

    /// Runs `body` with a data folder that does not exist yet; closes what it opened and removes the folder afterwards.
    static func withFolder<T>(_ body: (DataFolder) async throws -> T) async throws -> T {
        let folder = DataFolder(path: FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-test-\(UUID().uuidString)").path)
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        do {
            let result = try await body(folder)
            try await folder.closeAll()
            return result
        } catch {
            try? await folder.closeAll()
            throw error
        }
    }

    /// Whether `needle` occurs in `haystack`.
    static func bytes(_ haystack: [UInt8], contain needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
        return (0...(haystack.count - needle.count)).contains { start in haystack[start..<start + needle.count].elementsEqual(needle) }
    }
}

/// A scratch data folder and the directories open on it (each standing for one process).
final class DataFolder: Sendable {
    let path: String
    private let open = Mutex<[Directory]>([])

    init(path: String) {
        self.path = path
    }

    /// Opens a directory on this folder, as another process would.
    func openDirectory() async throws -> Directory {
        let directory = try await Directory.open(dataDirectory: path, bcryptCost: 10, logger: Scratch.logger)
        open.withLock { $0.append(directory) }
        return directory
    }

    /// Closes `directory` now (to reopen the folder afterwards).
    func close(_ directory: Directory) async throws {
        open.withLock { $0.removeAll { $0 === directory } }
        try await directory.close()
    }

    func closeAll() async throws {
        let directories = open.withLock { open in
            defer { open.removeAll() }
            return open
        }
        for directory in directories { try await directory.close() }
    }
}
