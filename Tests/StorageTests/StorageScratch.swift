import Foundation
import Logging

/// What the store's tests share: a logger and scratch folders.
enum StorageScratch {
    static let logger = Logger(label: "test")

    /// Runs `body` with the path of a new folder, removed afterwards.
    static func withFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-storage-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }
}
