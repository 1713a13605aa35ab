import AWSWire
import AccessPolicy
import Foundation
import SigV4
import WebAuthn

// libFuzzer targets for the parsers that read what a client sends, built only by scripts/fuzz.sh
// (`swift build -c release -Xswiftc -sanitize=fuzzer,address`). GATEHOUSE_FUZZ_TARGET picks one:
//   sigv4   an Authorization header, X-Amz-Date and query string, parsed and verified
//   query   a form body for an IAM or STS operation (the first two bytes pick it), decoded and validated
//   json    a JSON body for an Organizations, Identity Center, identity store or CloudTrail operation, decoded and validated
//   policy  a policy document, parsed as an identity, trust and resource policy and compiled
//   cbor    a CBOR item and WebAuthn authenticator data
// Any Swift runtime trap or sanitizer report is a finding; thrown errors are the parsers' answers.

/// The target this process fuzzes.
let target = ProcessInfo.processInfo.environment["GATEHOUSE_FUZZ_TARGET"] ?? "sigv4"

/// Where each protocol's operations are found.
let queryServices: [ServiceModel] = [.iam, .sts]
let jsonServices: [ServiceModel] = [.organizations, .ssoAdmin, .identityStore, .cloudTrail]
let router = OperationRouter(services: queryServices + jsonServices)

/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links): runs `callback` on each input it makes.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzerDriver(&argc, &argv, fuzz))

func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch target {
    case "sigv4": fuzzSigV4(bytes)
    case "query": fuzzWire(bytes, services: queryServices)
    case "json": fuzzWire(bytes, services: jsonServices)
    case "policy": fuzzPolicy(bytes)
    case "cbor": fuzzCBOR(bytes)
    default: fatalError("unknown GATEHOUSE_FUZZ_TARGET \(target)")
    }
    return 0
}

func fuzzSigV4(_ bytes: [UInt8]) {
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    let request = SignableRequest(
        method: "POST", path: "/", query: lines.count > 2 ? lines[2] : "",
        headers: [("Host", "127.0.0.1:7070"), ("Authorization", lines[0]), ("X-Amz-Date", lines.count > 1 ? lines[1] : "")],
        bodySHA256: CanonicalRequest.emptyPayloadSHA256)
    guard let claim = try? SigV4Authorization.parse(request) else { return }
    try? SigV4Verifier().verify(request, claim: claim, secret: "secret", now: AmzDate(epochSeconds: 1_795_000_000))
}

func fuzzWire(_ bytes: [UInt8], services: [ServiceModel]) {
    guard bytes.count >= 2 else { return }
    let service = services[Int(bytes[0]) % services.count]
    let names = service.operations.keys.sorted()
    let operation = names[Int(bytes[1]) % names.count]
    let body = Array(bytes[2...])
    var headers: [(name: String, value: String)] = [("Host", "127.0.0.1:7070")]
    var form = body
    switch service.wireProtocol {
    case .query:
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        form = Array("Action=\(operation)&Version=\(service.apiVersion)&".utf8) + body
    case .json, .restJSON:
        headers.append(("Content-Type", service.contentType))
        headers.append(("X-Amz-Target", "\(service.targetPrefix ?? "").\(operation)"))
    }
    let request = WireRequest(method: "POST", path: "/", query: "", headers: headers, body: form)
    let route = router.route(request, signingName: service.signingName)
    _ = try? AWSCodec.input(of: request, route: route)
}

func fuzzPolicy(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    for kind in [PolicyKind.identity, .trust, .resource] {
        guard let document = try? PolicyParser.parse(text, kind: kind) else { continue }
        _ = CompiledPolicy(id: "fuzz", document: document)
    }
}

func fuzzCBOR(_ bytes: [UInt8]) {
    _ = try? CBORDecoder.decodeWhole(bytes)
    _ = try? AuthenticatorData(bytes)
}
