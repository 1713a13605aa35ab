import Crypto
import CryptoExtras
import Foundation
import Testing

@testable import WebAuthn

/// A software security key: it makes the bytes a browser's authenticator would, so every check can be tried.
struct SoftwareKey {
    enum Kind { case es256, rs256 }
    let kind: Kind
    let ec = P256.Signing.PrivateKey()
    let rsa: _RSA.Signing.PrivateKey?
    let id: [UInt8] = Array((0..<16).map { UInt8($0) })
    var counter: UInt32 = 0

    init(_ kind: Kind) throws {
        self.kind = kind
        rsa = kind == .rs256 ? try _RSA.Signing.PrivateKey(keySize: .bits2048) : nil
    }

    var coseKey: [UInt8] {
        switch kind {
        case .es256:
            let point = Array(ec.publicKey.x963Representation)
            return CBOREncoding.map([
                (CBOREncoding.int(1), CBOREncoding.int(2)), (CBOREncoding.int(3), CBOREncoding.int(-7)), (CBOREncoding.int(-1), CBOREncoding.int(1)),
                (CBOREncoding.int(-2), CBOREncoding.bytes(Array(point[1..<33]))), (CBOREncoding.int(-3), CBOREncoding.bytes(Array(point[33..<65]))),
            ])
        case .rs256:
            let primitives = try! rsa!.publicKey.getKeyPrimitives()
            return CBOREncoding.map([
                (CBOREncoding.int(1), CBOREncoding.int(3)), (CBOREncoding.int(3), CBOREncoding.int(-257)),
                (CBOREncoding.int(-1), CBOREncoding.bytes(Array(primitives.modulus))), (CBOREncoding.int(-2), CBOREncoding.bytes(Array(primitives.publicExponent))),
            ])
        }
    }

    func authenticatorData(rpId: String, flags: UInt8, withCredential: Bool) -> [UInt8] {
        var data = Array(SHA256.hash(data: Array(rpId.utf8)))
        data.append(flags | (withCredential ? 0x40 : 0))
        data += [UInt8(counter >> 24 & 0xFF), UInt8(counter >> 16 & 0xFF), UInt8(counter >> 8 & 0xFF), UInt8(counter & 0xFF)]
        if withCredential { data += [UInt8](repeating: 0, count: 16) + [0, UInt8(id.count)] + id + coseKey }
        return data
    }

    func sign(_ data: [UInt8]) throws -> [UInt8] {
        switch kind {
        case .es256: Array(try ec.signature(for: data).derRepresentation)
        case .rs256: Array(try rsa!.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation)
        }
    }
}

/// Just enough CBOR encoding for the tests.
enum CBOREncoding {
    static func head(_ major: UInt8, _ value: UInt64) -> [UInt8] {
        switch value {
        case 0..<24: [major << 5 | UInt8(value)]
        case 24..<256: [major << 5 | 24, UInt8(value)]
        default: [major << 5 | 25, UInt8(value >> 8), UInt8(value & 0xFF)]
        }
    }
    static func int(_ value: Int64) -> [UInt8] { value >= 0 ? head(0, UInt64(value)) : head(1, UInt64(-1 - value)) }
    static func bytes(_ value: [UInt8]) -> [UInt8] { head(2, UInt64(value.count)) + value }
    static func text(_ value: String) -> [UInt8] { head(3, UInt64(value.utf8.count)) + Array(value.utf8) }
    static func map(_ pairs: [([UInt8], [UInt8])]) -> [UInt8] { head(5, UInt64(pairs.count)) + pairs.flatMap { $0.0 + $0.1 } }
}

func clientData(_ type: String, challenge: [UInt8], origin: String) -> [UInt8] {
    Array(#"{"type":"\#(type)","challenge":"\#(Base64URL.encode(challenge))","origin":"\#(origin)","crossOrigin":false}"#.utf8)
}

@Suite struct WebAuthnVerifierTests {
    let verifier = WebAuthnVerifier(rpId: "localhost", origin: "http://localhost:7070")
    let challenge = Array((0..<32).map { UInt8(255 - $0) })

    func attestation(_ key: SoftwareKey, flags: UInt8 = 0x05, rpId: String = "localhost") -> [UInt8] {
        CBOREncoding.map([
            (CBOREncoding.text("fmt"), CBOREncoding.text("none")), (CBOREncoding.text("attStmt"), CBOREncoding.map([])),
            (CBOREncoding.text("authData"), CBOREncoding.bytes(key.authenticatorData(rpId: rpId, flags: flags, withCredential: true))),
        ])
    }

    @Test(arguments: [SoftwareKey.Kind.es256, .rs256])
    func registersThenAuthenticatesWithACounterThatMovesForward(kind: SoftwareKey.Kind) throws {
        var key = try SoftwareKey(kind)
        var credential = try verifier.register(
            clientDataJSON: clientData("webauthn.create", challenge: challenge, origin: verifier.origin), attestationObject: attestation(key), challenge: challenge)
        #expect(credential.id == Base64URL.encode(key.id))
        key.counter = 1
        let client = clientData("webauthn.get", challenge: challenge, origin: verifier.origin)
        let data = key.authenticatorData(rpId: "localhost", flags: 0x05, withCredential: false)
        let signature = try key.sign(data + Array(SHA256.hash(data: client)))
        credential.signCount = try verifier.authenticate(credential, clientDataJSON: client, authenticatorData: data, signature: signature, challenge: challenge)
        #expect(credential.signCount == 1)
        // The same answer again: the counter did not move, as with a cloned key.
        #expect(throws: WebAuthnError.self) {
            try verifier.authenticate(credential, clientDataJSON: client, authenticatorData: data, signature: signature, challenge: challenge)
        }
    }

    @Test func refusesAnotherOriginChallengeSiteOrCeremony() throws {
        let key = try SoftwareKey(.es256)
        let good = clientData("webauthn.create", challenge: challenge, origin: verifier.origin)
        let cases: [(client: [UInt8], attestation: [UInt8], reason: String)] = [
            (clientData("webauthn.create", challenge: challenge, origin: "http://evil.example"), attestation(key), "origin"),
            (clientData("webauthn.create", challenge: [1, 2, 3], origin: verifier.origin), attestation(key), "challenge"),
            (clientData("webauthn.get", challenge: challenge, origin: verifier.origin), attestation(key), "another ceremony"),
            (good, attestation(key, rpId: "evil.example"), "another site"),
            (good, attestation(key, flags: 0x01), "did not verify its user"),
            (good, attestation(key, flags: 0x04), "not touched"),
            (good, [0xA1, 0x63], "not valid CBOR"),
        ]
        for test in cases {
            let error = #expect(throws: WebAuthnError.self) {
                try verifier.register(clientDataJSON: test.client, attestationObject: test.attestation, challenge: challenge)
            }
            #expect(error?.description.contains(test.reason) == true, "\(test.reason): \(String(describing: error))")
        }
    }

    @Test func refusesASignatureByAnotherKey() throws {
        let key = try SoftwareKey(.es256)
        let credential = try verifier.register(
            clientDataJSON: clientData("webauthn.create", challenge: challenge, origin: verifier.origin), attestationObject: attestation(key), challenge: challenge)
        var other = try SoftwareKey(.es256)
        other.counter = 5
        let client = clientData("webauthn.get", challenge: challenge, origin: verifier.origin)
        let data = other.authenticatorData(rpId: "localhost", flags: 0x05, withCredential: false)
        let signature = try other.sign(data + Array(SHA256.hash(data: client)))
        #expect(throws: WebAuthnError.invalid("the signature does not verify")) {
            try verifier.authenticate(credential, clientDataJSON: client, authenticatorData: data, signature: signature, challenge: challenge)
        }
    }

    @Test func cborRefusesWhatWebAuthnNeverSends() throws {
        for bytes: [UInt8] in [[0x5F], [0xF9, 0x3C, 0x00], [0xC0, 0x00], [0x5A, 0xFF, 0xFF, 0xFF, 0xFF], [0x9B] + [UInt8](repeating: 0xFF, count: 8)] {
            #expect(throws: CBORError.self) { try CBORDecoder.decodeWhole(bytes) }
        }
        #expect(try CBORDecoder.decodeWhole([0x38, 0x18]) == .negative(-25))
        #expect(try CBORDecoder.decodeWhole([0xA1, 0x61, 0x61, 0xF5])["a"] == .bool(true))
    }
}
