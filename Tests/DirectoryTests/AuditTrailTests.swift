import AWSWire
@testable import Directory
import Foundation
@testable import Storage
import Testing

struct AuditTrailTests {
    static let accountId = "111122223333"
    static let otherAccountId = "444455556666"
    static let start = 1_795_357_815.0

    static func event(
        _ name: String,
        at offset: Double,
        readOnly: Bool,
        operatorCall: Bool = false,
        accountId: String = accountId,
        source: String = "sts.amazonaws.com"
    ) -> AuditEvent {
        AuditEvent(
            eventTime: Date(timeIntervalSince1970: start + offset),
            eventSource: source,
            eventName: name,
            awsRegion: "us-east-1",
            sourceIPAddress: "127.0.0.1",
            userAgent: "test",
            identity: operatorCall ? nil : AuditEvent.Identity(principal: .root(of: accountId), accessKeyId: "AKIA" + accountId),
            requestParameters: ["note": "a \"quoted\" <value>"],
            requestId: UUID().uuidString.lowercased(),
            readOnly: readOnly,
            recipientAccountId: accountId
        )
    }

    /// Runs `body` on an in-memory directory holding four flushed events: three in one account (oldest first), one in another.
    static func withSeeded(_ body: (Directory) async throws -> Void) async throws {
        try await Scratch.withDirectory { directory in
            try await seed(directory)
            try await body(directory)
        }
    }

    static func seed(_ directory: Directory) async throws {
        directory.auditTrail.record(event("GetCallerIdentity", at: 1, readOnly: true))
        directory.auditTrail.record(event("LookupEvents", at: 2, readOnly: true, source: "cloudtrail.amazonaws.com"))
        directory.auditTrail.record(event("CreateUser", at: 3, readOnly: false, operatorCall: true))
        directory.auditTrail.record(event("GetCallerIdentity", at: 4, readOnly: true, accountId: otherAccountId))
        try await directory.auditTrail.flush()
    }

    static func names(_ directory: Directory, _ attribute: AuditQuery.Attribute?, limit: Int = 10) async throws -> [String] {
        try await directory.auditTrail.lookup(AuditQuery(accountId: accountId, attribute: attribute, limit: limit)).map(\.eventName)
    }

    struct Chain: Equatable {
        var events: Int
        var brokenAt: Int64?
    }

    /// What verifying the hash chain found.
    static func chain(_ directory: Directory) async throws -> Chain {
        let verified = try await directory.auditTrail.verify()
        return Chain(events: verified.events, brokenAt: verified.brokenAt)
    }

    static func tamper(_ directory: Directory, _ statement: String) async throws {
        try await directory.store.write { session in try session.connection.execute(statement) }
    }

    @Test func recordedEventsWaitForFlush() async throws {
        try await Scratch.withDirectory { directory in
            directory.auditTrail.record(Self.event("GetCallerIdentity", at: 1, readOnly: true))
            #expect(try await directory.auditTrail.lookup(AuditQuery(accountId: Self.accountId, limit: 10)).isEmpty)
            try await directory.auditTrail.flush()
            #expect(try await directory.auditTrail.lookup(AuditQuery(accountId: Self.accountId, limit: 10)).count == 1)
            try await directory.auditTrail.flush()
            #expect(try await Self.chain(directory) == Self.Chain(events: 1, brokenAt: nil))
        }
    }

    @Test func lookupIsNewestFirstAndPerAccount() async throws {
        try await Self.withSeeded { directory in
            let events = try await directory.auditTrail.lookup(AuditQuery(accountId: Self.accountId, limit: 10))
            #expect(events.map(\.eventName) == ["CreateUser", "LookupEvents", "GetCallerIdentity"])
            #expect(events.map(\.seq) == [3, 2, 1])
            #expect(events.map(\.eventTime) == [Self.start + 3, Self.start + 2, Self.start + 1])
            #expect(try await Self.names(directory, nil, limit: 2) == ["CreateUser", "LookupEvents"])
            let other = try await directory.auditTrail.lookup(AuditQuery(accountId: Self.otherAccountId, limit: 10))
            #expect(other.map(\.seq) == [4])
        }
    }

    @Test func pagesFollowTheCursor() async throws {
        try await Self.withSeeded { directory in
            let first = try await directory.auditTrail.lookup(AuditQuery(accountId: Self.accountId, limit: 2))
            let last = try #require(first.last)
            let rest = try await directory.auditTrail.lookup(
                AuditQuery(accountId: Self.accountId, limit: 2, after: AuditQuery.Cursor(eventTime: last.eventTime, seq: last.seq))
            )
            #expect(first.map(\.eventName) + rest.map(\.eventName) == ["CreateUser", "LookupEvents", "GetCallerIdentity"])
        }
    }

    @Test func lookupFiltersByAttribute() async throws {
        try await Self.withSeeded { directory in
            #expect(try await Self.names(directory, .eventName("LookupEvents")) == ["LookupEvents"])
            #expect(try await Self.names(directory, .eventName("Nope")) == [])
            #expect(try await Self.names(directory, .username("root")) == ["LookupEvents", "GetCallerIdentity"])
            #expect(try await Self.names(directory, .readOnly(true)) == ["LookupEvents", "GetCallerIdentity"])
            #expect(try await Self.names(directory, .readOnly(false)) == ["CreateUser"])
            #expect(try await Self.names(directory, .eventSource("cloudtrail.amazonaws.com")) == ["LookupEvents"])
            #expect(try await Self.names(directory, .accessKeyId("AKIA" + Self.accountId)) == ["LookupEvents", "GetCallerIdentity"])
            let window = try await directory.auditTrail.lookup(
                AuditQuery(accountId: Self.accountId, start: Self.start + 2, end: Self.start + 2, limit: 10)
            )
            #expect(window.map(\.eventName) == ["LookupEvents"])
        }
    }

    @Test func recordsAreCloudTrailShapedAndChained() async throws {
        try await Self.withSeeded { directory in
            let events = try await directory.auditTrail.lookup(AuditQuery(accountId: Self.accountId, limit: 10)).reversed()
            var previous = String(repeating: "0", count: 64)
            for event in events {
                #expect(event.previousHash == previous)
                #expect(event.hash.count == 64)
                let record = try #require(try JSONSerialization.jsonObject(with: Data(event.record.utf8)) as? [String: Any])
                #expect(record["eventName"] as? String == event.eventName)
                #expect(record["eventID"] as? String == event.eventId)
                #expect((record["additionalEventData"] as? [String: Any])?["previousEventHash"] as? String == previous)
                #expect((record["requestParameters"] as? [String: Any])?["note"] as? String == "a \"quoted\" <value>")
                previous = event.hash
            }
            let first = try #require(events.first)
            let record = try #require(try JSONSerialization.jsonObject(with: Data(first.record.utf8)) as? [String: Any])
            let identity = try #require(record["userIdentity"] as? [String: Any])
            #expect(identity["type"] as? String == "Root")
            #expect(identity["arn"] as? String == "arn:aws:iam::\(Self.accountId):root")
            #expect(identity["accessKeyId"] as? String == "AKIA" + Self.accountId)
            #expect(record["eventTime"] as? String == "2026-11-22T14:30:16Z")
            #expect(record["eventType"] as? String == "AwsApiCall")
            #expect(record["readOnly"] as? Bool == true)
        }
    }

    @Test func untouchedChainVerifies() async throws {
        try await Self.withSeeded { directory in
            // Events appended in a change's own transaction join the same chain.
            _ = try await directory.createAccount(name: "Prod", email: "ops@example.com")
            directory.auditTrail.record(Self.event("GetCallerIdentity", at: 5, readOnly: true))
            try await directory.auditTrail.flush()
            #expect(try await Self.chain(directory) == Self.Chain(events: 6, brokenAt: nil))
        }
    }

    @Test func editedRecordBreaksTheChainAtItsSeq() async throws {
        try await Self.withSeeded { directory in
            try await Self.tamper(directory, "UPDATE audit_events SET record = replace(record, 'LookupEvents', 'DeleteTrail') WHERE seq = 2")
            #expect(try await Self.names(directory, nil).contains("LookupEvents"))  // the filter column is untouched; the record is not
            #expect(try await Self.chain(directory) == Self.Chain(events: 1, brokenAt: 2))
        }
    }

    @Test func editedHashBreaksTheChainAtItsSeq() async throws {
        try await Self.withSeeded { directory in
            try await Self.tamper(directory, "UPDATE audit_events SET hash = '\(String(repeating: "f", count: 64))' WHERE seq = 3")
            #expect(try await Self.chain(directory) == Self.Chain(events: 2, brokenAt: 3))
        }
    }

    @Test func deletedEventBreaksTheChainAtTheNext() async throws {
        try await Self.withSeeded { directory in
            try await Self.tamper(directory, "DELETE FROM audit_events WHERE seq = 2")
            #expect(try await Self.chain(directory) == Self.Chain(events: 1, brokenAt: 3))
        }
    }

    @Test func twoInstancesAppendToOneChain() async throws {
        try await Scratch.withFolder { folder in
            let first = try await folder.openDirectory()
            let second = try await folder.openDirectory()
            for (index, directory) in [first, second, first, second].enumerated() {
                directory.auditTrail.record(Self.event("GetCallerIdentity", at: Double(index), readOnly: true))
                try await directory.auditTrail.flush()
            }
            _ = try await second.createAccount(name: "Prod", email: "ops@example.com")
            #expect(try await Self.chain(first) == Self.Chain(events: 5, brokenAt: nil))
            #expect(try await first.auditTrail.lookup(AuditQuery(accountId: Self.accountId, limit: 10)).map(\.seq) == [4, 3, 2, 1])
        }
    }

    // MARK: Signed checkpoints

    @Test func checkpointsSignWhereTheChainEnds() async throws {
        try await Self.withSeeded { directory in
            #expect(try await directory.auditTrail.verify().unsigned == 4)
            try await directory.auditTrail.checkpoint(now: Date(timeIntervalSince1970: Self.start + 10))
            try await directory.auditTrail.checkpoint()  // nothing new: no second checkpoint
            directory.auditTrail.record(Self.event("GetCallerIdentity", at: 11, readOnly: true))
            try await directory.auditTrail.flush()
            let verified = try await directory.auditTrail.verify()
            #expect(verified.intact && verified.events == 5 && verified.checkpoints == 1 && verified.unsigned == 1)
            #expect(verified.newestCheckpoint?.eventSeq == 4)
            #expect(verified.newestCheckpoint?.createdAt == Date(timeIntervalSince1970: Self.start + 10))
        }
    }

    @Test func removingTheNewestEventsIsFound() async throws {
        try await Self.withSeeded { directory in
            try await directory.auditTrail.checkpoint()
            try await Self.tamper(directory, "DELETE FROM audit_events WHERE seq >= 3")
            let verified = try await directory.auditTrail.verify()
            #expect(verified.brokenAt == nil && verified.events == 2)
            #expect(verified.problem == "checkpoint #1 signed the trail up to event #4, which is gone: events were removed")
        }
    }

    @Test func removingACheckpointIsFound() async throws {
        try await Self.withSeeded { directory in
            for offset in [5.0, 6.0, 7.0] {
                directory.auditTrail.record(Self.event("GetCallerIdentity", at: offset, readOnly: true))
                try await directory.auditTrail.flush()
                try await directory.auditTrail.checkpoint()
            }
            #expect(try await directory.auditTrail.verify().checkpoints == 3)
            try await Self.tamper(directory, "DELETE FROM audit_checkpoints WHERE id = 2")
            let verified = try await directory.auditTrail.verify()
            #expect(verified.problem == "checkpoint #3 does not follow the checkpoint before it: a checkpoint was removed")
        }
    }

    @Test func aRebuiltChainIsFound() async throws {
        try await Self.withSeeded { directory in
            try await directory.auditTrail.checkpoint()
            // Rewrite event 2 and re-chain everything after it, as someone who can write the database but not sign would.
            let rows = try await directory.store.read { session in try await session.auditChain(after: 0, limit: 10) }
            var previous = rows[0].hash
            for row in rows.dropFirst() {
                var record = row.record.replacingOccurrences(of: "\"previousEventHash\":\"\(row.previousHash)\"", with: "\"previousEventHash\":\"\(previous)\"")
                if row.seq == 2 { record = record.replacingOccurrences(of: "LookupEvents", with: "DeleteTrail") }
                let hash = AuditTrail.chainHash(of: record)
                try await Self.tamper(directory, "UPDATE audit_events SET record = '\(record.replacingOccurrences(of: "'", with: "''"))', previous_hash = '\(previous)', hash = '\(hash)' WHERE seq = \(row.seq)")
                previous = hash
            }
            let verified = try await directory.auditTrail.verify()
            #expect(verified.brokenAt == nil && verified.events == 4)
            #expect(verified.problem == "event #4 is not the event checkpoint #1 signed: the trail was rewritten")
        }
    }

    @Test func checkpointsVerifyOnlyWithTheirKey() async throws {
        try await Self.withSeeded { directory in
            try await directory.auditTrail.checkpoint()
            #expect(try await directory.auditTrail.verify(publicKey: directory.auditTrail.publicKey).intact)
            let stranger = AuditSigningKey.ephemeral().publicKey
            #expect(try await directory.auditTrail.verify(publicKey: stranger).problem == "checkpoint #1 is not signed by the audit signing key")
            try await Self.tamper(directory, "UPDATE audit_checkpoints SET event_seq = 3")
            #expect(try await directory.auditTrail.verify().problem == "checkpoint #1 is not signed by the audit signing key")
        }
    }

    @Test func aCheckpointKeptElsewhereProvesTheEnd() async throws {
        try await Self.withSeeded { directory in
            try await directory.auditTrail.checkpoint()
            let first = try #require(try await directory.auditTrail.verify().newestCheckpoint)
            directory.auditTrail.record(Self.event("GetCallerIdentity", at: 5, readOnly: true))
            try await directory.auditTrail.flush()
            try await directory.auditTrail.checkpoint()
            let kept = try #require(try await directory.auditTrail.verify().newestCheckpoint)
            #expect(kept.id == first.id + 1)
            // The newest checkpoint and the events it signed removed: the data folder alone cannot tell...
            try await Self.tamper(directory, "DELETE FROM audit_events WHERE seq = 5")
            try await Self.tamper(directory, "DELETE FROM audit_checkpoints WHERE id = \(kept.id)")
            #expect(try await directory.auditTrail.verify().intact)
            #expect(try await directory.auditTrail.verify(expected: (first.id, first.signature)).intact)
            // ...the checkpoint kept elsewhere can.
            #expect(
                try await directory.auditTrail.verify(expected: (kept.id, kept.signature)).problem
                    == "checkpoint #\(kept.id), kept elsewhere, is not in the trail: checkpoints and the events they signed were removed")
        }
    }
}
