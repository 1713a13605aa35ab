import AWSWire
import Crypto
import Storage

/// Opaque pagination tokens: where a page ended, bound to the parameters of the lookup.
enum PageToken {
    static func encode(_ cursor: AuditQuery.Cursor, fingerprint: String) -> String {
        let text = "\(cursor.eventTime):\(cursor.seq):\(digest(fingerprint))"
        return Base64.encode(Array(text.utf8))
    }

    static func decode(_ token: String, fingerprint: String) -> AuditQuery.Cursor? {
        guard let bytes = Base64.decode(token) else { return nil }
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: ":")
        guard parts.count == 3, let time = Double(parts[0]), let seq = Int64(parts[1]), parts[2] == digest(fingerprint) else { return nil }
        return AuditQuery.Cursor(eventTime: time, seq: seq)
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).prefix(8).map { String($0, radix: 16) }.joined()
    }
}
