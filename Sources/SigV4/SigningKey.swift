import Crypto
import Synchronization

/// Derives SigV4 signing keys and caches them per access key and scope.
///
/// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`
/// changes once a day per scope, so the verifier derives it once and reuses it.
public final class SigningKeyCache: Sendable {
    private struct Entry {
        var secretDigest: SHA256Digest
        var key: SymmetricKey
        /// An HMAC already keyed with `key`: a copy authenticates a message without deriving the key's pads again.
        var keyed: HMAC<SHA256>
    }

    private let entries = Mutex<[CredentialScope: Entry]>([:])
    private let capacity: Int

    /// - Parameter capacity: entries kept before the cache starts over.
    public init(capacity: Int = 65_536) {
        self.capacity = capacity
    }

    /// The signing key for `scope` derived from `secret`.
    public func key(secret: String, scope: CredentialScope) -> SymmetricKey {
        entry(secret: secret, scope: scope).key
    }

    /// An HMAC-SHA256 keyed with the signing key for `scope`, ready for the string to sign.
    public func authenticator(secret: String, scope: CredentialScope) -> HMAC<SHA256> {
        entry(secret: secret, scope: scope).keyed
    }

    private func entry(secret: String, scope: CredentialScope) -> Entry {
        var secret = secret
        let digest = secret.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        if let entry = entries.withLock({ $0[scope] }), entry.secretDigest == digest {
            return entry
        }
        let key = Self.derive(secret: secret, scope: scope)
        let entry = Entry(secretDigest: digest, key: key, keyed: HMAC<SHA256>(key: key))
        entries.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[scope] = entry
        }
        return entry
    }

    /// Derives the signing key without caching.
    public static func derive(secret: String, scope: CredentialScope) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key))
        }
        let kDate = hmac(SymmetricKey(data: Array("AWS4\(secret)".utf8)), scope.date)
        let kRegion = hmac(kDate, scope.region)
        let kService = hmac(kRegion, scope.service)
        return hmac(kService, "aws4_request")
    }
}
