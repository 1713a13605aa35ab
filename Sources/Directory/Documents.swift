import Foundation
import Storage

/// A kind of JSON document the store keeps per account (IAM users, organization units,
/// identity store users, ...): its raw value is the `kind` column.
public protocol DocumentKind: RawRepresentable, Sendable where RawValue == String {}

/// How documents are written: JSON in one pass (``DocumentEncoder``), dates as seconds since 1970.
enum DocumentCoding {
    static func encode(_ value: some Encodable) throws -> String {
        try DocumentEncoder.encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(type, from: Data(text.utf8))
    }

    /// A document's value as the snapshot applies it: the value this process wrote as this text
    /// (``WrittenDocuments``), else the text decoded.
    static func value<T: Decodable>(_ type: T.Type, _ text: String, kept: (any Sendable)?) throws -> T {
        if let kept = kept as? T { return kept }
        return try decode(type, text)
    }
}

/// Typed reads and writes of one account's documents inside one store transaction.
///
/// Keys are lower-cased (IAM names are unique regardless of case). Checks that must hold
/// across processes (a name is free, a user has at most two keys) read the store here,
/// inside the write transaction, never the snapshot alone: those that look for every document
/// naming something go through a write view (``DocumentsInWrite``), exact over the snapshot and
/// the documents the change feed shows changed since.
public struct DocumentTransaction: Sendable {
    public let session: StoreSession
    public let accountId: String

    public init(session: StoreSession, accountId: String) {
        self.session = session
        self.accountId = accountId
    }

    /// The same transaction over another account's documents.
    public func account(_ accountId: String) -> DocumentTransaction {
        DocumentTransaction(session: session, accountId: accountId)
    }

    public func get<T: Decodable>(_ type: T.Type, _ kind: some DocumentKind, _ name: String) async throws -> T? {
        try await get(type, kind: kind.rawValue, name)
    }

    public func all<T: Decodable>(_ type: T.Type, _ kind: some DocumentKind) async throws -> [T] {
        try await all(type, kind: kind.rawValue)
    }

    public func put(_ value: some Encodable & Sendable, _ kind: some DocumentKind, _ name: String) async throws {
        try await put(value, kind: kind.rawValue, name)
    }

    public func delete(_ kind: some DocumentKind, _ name: String) async throws {
        try await delete(kind: kind.rawValue, name)
    }

    /// Deletes every document of these kinds in the account (a whole organization or Identity Center instance).
    public func deleteAll<Kind: DocumentKind>(_ kinds: [Kind]) async throws {
        for kind in kinds {
            for record in try await session.documents(accountId: accountId, kind: kind.rawValue) {
                try await session.deleteDocument(accountId: accountId, kind: kind.rawValue, key: record.key)
            }
        }
    }

    // IAM's kinds, so that IAM code may write `.user`.

    public func get<T: Decodable>(_ type: T.Type, _ kind: IAMDocumentKind, _ name: String) async throws -> T? {
        try await get(type, kind: kind.rawValue, name)
    }

    public func all<T: Decodable>(_ type: T.Type, _ kind: IAMDocumentKind) async throws -> [T] {
        try await all(type, kind: kind.rawValue)
    }

    public func put(_ value: some Encodable & Sendable, _ kind: IAMDocumentKind, _ name: String) async throws {
        try await put(value, kind: kind.rawValue, name)
    }

    public func delete(_ kind: IAMDocumentKind, _ name: String) async throws {
        try await delete(kind: kind.rawValue, name)
    }

    func get<T: Decodable>(_ type: T.Type, kind: String, _ name: String) async throws -> T? {
        try await session.document(accountId: accountId, kind: kind, key: name.lowercased()).map { try DocumentCoding.decode(type, $0.body) }
    }

    func all<T: Decodable>(_ type: T.Type, kind: String) async throws -> [T] {
        try await session.documents(accountId: accountId, kind: kind).map { try DocumentCoding.decode(type, $0.body) }
    }

    func put(_ value: some Encodable & Sendable, kind: String, _ name: String) async throws {
        let record = DocumentRecord(accountId: accountId, kind: kind, key: name.lowercased(), body: try DocumentCoding.encode(value))
        try await session.put(record)
        session.written.keep(record.changeId, text: record.body, value: value)
    }

    func delete(kind: String, _ name: String) async throws {
        try await session.deleteDocument(accountId: accountId, kind: kind, key: name.lowercased())
    }
}
