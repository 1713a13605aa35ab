import Foundation
import Storage
import Synchronization

extension Directory {
    /// Notes that a key signed a request (memory only; ``flushKeyUsage()`` makes it durable).
    public func noteKeyUse(_ accessKeyId: String, service: String, region: String, at date: Date) {
        keyUses.withLock { $0[accessKeyId] = KeyUse(at: date.timeIntervalSince1970, service: service, region: region) }
    }

    /// When a key was last used: the newest use seen by this process, else the stored one.
    public func lastUse(of accessKeyId: String) async throws -> KeyUse? {
        if let recent = keyUses.withLock({ $0[accessKeyId] }) ?? flushedKeyUses.withLock({ $0[accessKeyId] }) { return recent }
        return try await store.read { try await $0.accessKey(id: accessKeyId)?.lastUsed }
    }

    /// Writes the key uses noted since the last flush.
    public func flushKeyUsage() async throws {
        let uses = keyUses.withLock { uses in
            defer { uses.removeAll() }
            return uses
        }
        guard !uses.isEmpty else { return }
        flushedKeyUses.withLock { $0.merge(uses) { $1 } }
        try await store.write { try await $0.recordKeyUse(uses) }
    }
}
