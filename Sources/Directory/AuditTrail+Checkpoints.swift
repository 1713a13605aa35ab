import Foundation
import Logging
import Storage

/// What ``AuditTrail/verify(publicKey:expected:)`` found.
public struct AuditVerification: Sendable {
    /// Intact events, in chain order, before the first broken link (all of them when nothing is broken).
    public var events: Int
    /// The number of the first event whose link is broken.
    public var brokenAt: Int64?
    /// Checkpoints whose signature and place in the checkpoint chain were checked.
    public var checkpoints: Int
    /// The newest checkpoint: its number and signature (to keep elsewhere), the event it ends at, and when it was made.
    public var newestCheckpoint: (id: Int64, signature: String, eventSeq: Int64, createdAt: Date)?
    /// Events after the newest checkpoint (not yet signed for).
    public var unsigned: Int
    /// What the checkpoints say is wrong: a bad signature, a checkpoint removed, events removed or rewritten.
    public var problem: String?

    /// Whether the chain and every checkpoint hold.
    public var intact: Bool { brokenAt == nil && problem == nil }
}

extension AuditTrail {
    /// The text a checkpoint's signature covers.
    static func signedText(_ checkpoint: AuditCheckpointRecord) -> String {
        [
            "gatehouse-audit-checkpoint/1", String(checkpoint.id), String(checkpoint.eventSeq), checkpoint.eventHash,
            String(checkpoint.createdAt), checkpoint.previousSignature,
        ].joined(separator: "\n")
    }

    /// Signs where the chain ends now, unless the newest checkpoint already ends there (or the trail is empty).
    public func checkpoint(now: Date = Date()) async throws {
        try await store.write { session in
            guard let last = try await session.auditLastEvent() else { return }
            let previous = try await session.lastAuditCheckpoint()
            if previous?.eventSeq == last.seq { return }
            var checkpoint = AuditCheckpointRecord(
                id: try await session.nextAuditCheckpointId(), eventSeq: last.seq, eventHash: last.hash, createdAt: now.timeIntervalSince1970,
                previousSignature: previous?.signature ?? "", signature: "")
            checkpoint.signature = try signingKey.sign(Self.signedText(checkpoint))
            try await session.appendAuditCheckpoint(checkpoint)
            // The log goes elsewhere (journald, a log shipper): it keeps where the trail ended, out of the data folder's reach.
            logger.notice(
                "audit checkpoint",
                metadata: [
                    "checkpoint": "\(checkpoint.id)", "event": "\(checkpoint.eventSeq)", "event_hash": "\(checkpoint.eventHash)",
                    "signature": "\(checkpoint.signature)",
                ])
        }
    }

    /// Walks the chain and the checkpoints: each checkpoint must be signed by `publicKey` (by default this data folder's
    /// audit signing key) and name the one before it, and the event it ends at must still be there with the hash it
    /// signed. So removing the newest events, removing a checkpoint, and rewriting events are all found.
    ///
    /// Nothing in the data folder can show that its newest checkpoints were not removed with the events after them:
    /// `expected`, a checkpoint kept elsewhere (its number and signature, as the log or an earlier verify gave them),
    /// must still be there, so the trail is proven up to it.
    public func verify(publicKey: String? = nil, expected: (id: Int64, signature: String)? = nil) async throws -> AuditVerification {
        let publicKey = publicKey ?? signingKey.publicKey
        let checkpoints = try await store.read { session in try await session.auditCheckpoints() }
        var result = AuditVerification(events: 0, checkpoints: 0, unsigned: 0)
        if let expected, !checkpoints.contains(where: { $0.id == expected.id && $0.signature == expected.signature }) {
            result.problem = "checkpoint #\(expected.id), kept elsewhere, is not in the trail: checkpoints and the events they signed were removed"
        }
        var signed: [Int64: (hash: String, checkpoint: Int64)] = [:]
        var previousSignature = ""
        for checkpoint in checkpoints {
            guard AuditSigningKey.isValid(checkpoint.signature, of: Self.signedText(checkpoint), publicKey: publicKey) else {
                result.problem = result.problem ?? "checkpoint #\(checkpoint.id) is not signed by the audit signing key"
                break
            }
            guard checkpoint.previousSignature == previousSignature else {
                result.problem = result.problem ?? "checkpoint #\(checkpoint.id) does not follow the checkpoint before it: a checkpoint was removed"
                break
            }
            previousSignature = checkpoint.signature
            signed[checkpoint.eventSeq] = (checkpoint.eventHash, checkpoint.id)
            result.checkpoints += 1
            result.newestCheckpoint = (checkpoint.id, checkpoint.signature, checkpoint.eventSeq, Date(timeIntervalSince1970: checkpoint.createdAt))
        }
        var previous = String(repeating: "0", count: 64)
        var after: Int64 = 0
        walk: while true {
            let page = try await store.read { session in try await session.auditChain(after: after, limit: 1000) }
            if page.isEmpty { break }
            for link in page {
                let hash = Self.chainHash(of: link.record)
                let carried = link.record.contains("\"previousEventHash\":\"\(previous)\"")
                guard link.previousHash == previous, link.hash == hash, carried else {
                    result.brokenAt = link.seq
                    break walk
                }
                if let expected = signed.removeValue(forKey: link.seq), expected.hash != hash, result.problem == nil {
                    result.problem = "event #\(link.seq) is not the event checkpoint #\(expected.checkpoint) signed: the trail was rewritten"
                }
                if let newest = result.newestCheckpoint, link.seq > newest.eventSeq { result.unsigned += 1 }
                previous = hash
                result.events += 1
                after = link.seq
            }
        }
        if result.brokenAt == nil, result.problem == nil, let missing = signed.min(by: { $0.key < $1.key }) {
            result.problem =
                "checkpoint #\(missing.value.checkpoint) signed the trail up to event #\(missing.key), which is gone: events were removed"
        }
        if result.newestCheckpoint == nil { result.unsigned = result.events }
        return result
    }
}
