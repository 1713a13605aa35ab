import Crypto
import CryptoExtras

/// A credential public key in COSE form (RFC 9052/9053), of the two algorithms Gatehouse accepts:
/// ES256 (ECDSA on P-256 with SHA-256) and RS256 (RSASSA-PKCS1-v1_5 with SHA-256, 2048 bits or more).
public enum COSEKey: Sendable {
    case es256(P256.Signing.PublicKey)
    case rs256(_RSA.Signing.PublicKey)

    /// COSE algorithm identifiers.
    public static let es256Algorithm: Int64 = -7
    public static let rs256Algorithm: Int64 = -257

    /// Reads a COSE key map; anything else, or another algorithm, is refused.
    public init(_ map: CBOR) throws(WebAuthnError) {
        switch (map[1]?.integer, map[3]?.integer) {
        case (2, Self.es256Algorithm):
            guard map[-1]?.integer == 1, case .bytes(let x)? = map[-2], case .bytes(let y)? = map[-3], x.count == 32, y.count == 32,
                let key = try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y)
            else { throw .invalid("the ES256 public key is not a P-256 point") }
            self = .es256(key)
        case (3, Self.rs256Algorithm):
            guard case .bytes(let n)? = map[-1], case .bytes(let e)? = map[-2], let key = try? _RSA.Signing.PublicKey(n: n, e: e) else {
                throw .invalid("the RS256 public key is not an RSA key of 2048 bits or more")
            }
            self = .rs256(key)
        default:
            throw .invalid("the credential's algorithm is neither ES256 nor RS256")
        }
    }

    /// Reads a COSE key from its CBOR bytes (as stored).
    public init(bytes: [UInt8]) throws(WebAuthnError) {
        guard let map = try? CBORDecoder.decodeWhole(bytes) else { throw .invalid("the stored public key is not CBOR") }
        try self.init(map)
    }

    /// Whether `signature` is this key's signature of `data`.
    public func verifies(_ signature: [UInt8], of data: [UInt8]) -> Bool {
        switch self {
        case .es256(let key):
            guard let signature = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: data)
        case .rs256(let key):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: data, padding: .insecurePKCS1v1_5)
        }
    }
}
