import AWSWire
import Crypto
import Foundation
import Logging
import SigV4
import Storage
import Synchronization

/// The audit trail: every call becomes a CloudTrail-shaped event, each carrying the hash
/// of the one before it, so the history can be proven untampered.
///
/// A hash chain alone does not prove where it ends (removing its newest events leaves a valid chain), nor that it
/// was not rebuilt: so every minute that events were added, and when the store is closed, a checkpoint records the
/// last event's number and hash, signed with the audit signing key and chained to the checkpoint before.
/// ``verify(publicKey:expected:)`` checks the chain and every checkpoint.
///
/// A state-changing call appends its event with ``append(_:in:)`` inside the transaction
/// of the change itself. Read-only and refused calls go through ``record(_:)`` into a
/// buffer that ``run()`` flushes every 250 ms, off the request path.
public final class AuditTrail: Sendable {
    let store: Store
    let signingKey: AuditSigningKey
    let logger: Logger
    private let pending = Mutex<[AuditEvent]>([])
    /// How often buffered events are written.
    public let flushInterval: Duration = .milliseconds(250)
    /// How often a checkpoint is made (when events were added since the last).
    public let checkpointInterval: Duration = .seconds(60)

    init(store: Store, signingKey: AuditSigningKey, logger: Logger) {
        self.store = store
        self.signingKey = signingKey
        self.logger = logger
    }

    /// The public key that verifies this trail's checkpoints (base64).
    public var publicKey: String { signingKey.publicKey }

    /// Buffers an event of a call that changed nothing; durable within a second.
    public func record(_ event: AuditEvent) {
        pending.withLock { $0.append(event) }
    }

    /// Appends events in the caller's write transaction.
    public func append(_ events: [AuditEvent], in session: StoreSession) async throws {
        // Inside the write transaction no one else appends: the chain's end stays where it is.
        let tail = try await session.auditTail()
        var previous = tail.hash
        var records: [AuditEventRecord] = []
        records.reserveCapacity(events.count)
        for event in events {
            let record = event.record(previousHash: previous)
            let hash = Self.chainHash(of: record)
            records.append(
                AuditEventRecord(
                    eventId: event.eventId, eventTime: event.eventTime.timeIntervalSince1970, accountId: event.recipientAccountId,
                    eventName: event.eventName, eventSource: event.eventSource, username: event.identity?.principal.username,
                    accessKeyId: event.identity?.accessKeyId, readOnly: event.readOnly, resources: event.resources, record: record,
                    previousHash: previous, hash: hash
                ))
            previous = hash
        }
        try await session.append(records, after: tail.seq)
    }

    /// An event's link in the chain: SHA-256 of its record's text (which carries the previous link), hex.
    static func chainHash(of record: String) -> String {
        var record = record
        return record.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)).hexString }
    }

    /// Drops the buffered events (a development server's reset).
    func discardPending() {
        pending.withLock { $0.removeAll() }
    }

    /// Writes the buffered events now, in one transaction.
    public func flush() async throws {
        let events = pending.withLock { events in
            let taken = events
            // Room for as many again, so that requests appending until the next flush do not regrow the buffer.
            events = []
            events.reserveCapacity(taken.count)
            return taken
        }
        guard !events.isEmpty else { return }
        do {
            try await store.write { session in try await append(events, in: session) }
        } catch {
            pending.withLock { $0.insert(contentsOf: events, at: 0) }
            throw error
        }
    }

    /// Flushes every ``flushInterval`` and makes a checkpoint every ``checkpointInterval`` until cancelled, then
    /// flushes once more (the store's closing makes the last checkpoint).
    public func run() async {
        var lastCheckpoint = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: flushInterval)
            if Task.isCancelled { break }
            do {
                try await flush()
                if ContinuousClock.now - lastCheckpoint >= checkpointInterval {
                    lastCheckpoint = .now
                    try await checkpoint()
                }
            } catch {
                logger.error("audit flush failed; will retry", metadata: ["error": "\(error)"])
            }
        }
        // The last flush must happen although this task is cancelled: run it in a task of its own.
        let final = Task { try await flush() }
        do {
            try await final.value
        } catch {
            logger.error("final audit flush failed", metadata: ["error": "\(error)"])
        }
    }

    /// The events `query` selects, newest first.
    public func lookup(_ query: AuditQuery) async throws -> [AuditEventRecord] {
        try await store.read { session in try await session.auditEvents(query) }
    }
}
