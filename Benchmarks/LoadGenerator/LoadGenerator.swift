import ArgumentParser
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SigV4
import Synchronization

/// `gatehouse-load`: a closed-loop load generator for AWS query- and JSON-protocol endpoints. It signs every request
/// before the clock starts (SigV4, as the SDKs do), then replays them over keep-alive connections (reconnecting
/// when a server closes them) and prints one JSON line: throughput, latency percentiles, errors and its own CPU.
@main
struct LoadGenerator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gatehouse-load", abstract: "Replay pre-signed AWS requests and measure.")

    @Option(help: "The endpoint, http://host:port.") var endpoint: String
    @Option(help: "Access key ID.") var accessKey: String
    @Option(help: "Secret access key.") var secret: String
    @Option(help: "The SigV4 service name (iam, sts).") var service: String
    @Option(help: "The form body (or JSON, with --target); {n} becomes the request's number (for distinct names).") var body: String
    @Option(help: "For a JSON-protocol service, the operation's X-Amz-Target (AWSIdentityStore.CreateUser); the body is then JSON.")
    var target: String?
    @Option(help: "Requests to send (after the warm-up).") var requests = 2000
    @Option(help: "Requests sent before measuring.") var warmup = 200
    @Option(help: "Concurrent connections.") var connections = 1
    @Option(help: "GET this path instead of posting the body (the HTTP floor: /healthz).") var get: String?
    @Flag(help: "Instead of sending, time SigV4 verification of the first signed request in this process (the floor's other half).")
    var timeSigV4 = false

    func run() async throws {
        guard let url = URLComponents(string: endpoint), let host = url.host, let port = url.port else {
            throw ValidationError("--endpoint must look like http://127.0.0.1:7070")
        }
        let signer = SigV4Signer(accessKeyId: accessKey, secret: secret, region: "us-east-1", service: service)
        let date = AmzDate(epochSeconds: Int64(Date().timeIntervalSince1970))
        let authority = "\(host):\(port)"
        let total = warmup + requests
        let contentHeaders =
            target.map { [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", $0)] }
            ?? [("content-type", "application/x-www-form-urlencoded; charset=utf-8")]
        let signed: [PreparedRequest] = (0..<total).map { index in
            let text = body.replacingOccurrences(of: "{n}", with: String(index))
            let bodyBytes = Array(text.utf8)
            let request = SignableRequest(
                method: "POST", path: "/", query: "",
                headers: [("host", authority)] + contentHeaders,
                bodySHA256: SHA256.hash(data: bodyBytes).hexString)
            return PreparedRequest(headers: signer.sign(request, date: date).headers, body: bodyBytes)
        }
        if timeSigV4 {
            print(String(decoding: try JSONSerialization.data(withJSONObject: ["sigv4_us": Self.timeVerification(signed[0], secret: secret)]), as: UTF8.self))
            return
        }
        let shared = Shared(total: total, warmup: warmup)
        let cpuBefore = Self.cpuSeconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    while shared.hasWork {
                        let channel = try await Self.connect(host: host, port: port)
                        shared.noteConnection()
                        try await channel.executeThenClose { inbound, outbound in
                            var responses = inbound.makeAsyncIterator()
                            while let index = shared.take() {
                                let begin = ContinuousClock.now
                                let (status, keepAlive) = try await Self.exchange(signed[index], get: get, outbound: outbound, responses: &responses)
                                shared.record(index: index, elapsed: ContinuousClock.now - begin, ok: status == 200)
                                if !keepAlive { return }
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let (latencies, errors, reconnects, seconds) = shared.summary()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        let report: [String: Any] = [
            "requests": latencies.count, "seconds": seconds, "rps": seconds > 0 ? Double(latencies.count) / seconds : 0,
            "p50_ms": percentile(0.50), "p99_ms": percentile(0.99), "errors": errors, "connections_opened": reconnects,
            "driver_cpu_seconds": Self.cpuSeconds() - cpuBefore, "connections": connections,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
    }

    static func connect(host: String, port: Int) async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Sends one request and reads its whole response; returns the status and whether the connection stays open.
    static func exchange(
        _ request: PreparedRequest, get path: String?, outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>,
        responses: inout NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    ) async throws -> (status: Int, keepAlive: Bool) {
        if let path {
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
            head.headers.add(name: "host", value: "localhost")
            try await outbound.write(contentsOf: [.head(head), .end(nil)])
        } else {
            var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/")
            for (name, value) in request.headers { head.headers.add(name: name, value: value) }
            head.headers.add(name: "content-length", value: String(request.body.count))
            try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(ByteBuffer(bytes: request.body))), .end(nil)])
        }
        var status = 0
        var keepAlive = true
        while let part = try await responses.next() {
            switch part {
            case .head(let response):
                status = Int(response.status.code)
                keepAlive = response.isKeepAlive
            case .body: continue
            case .end: return (status, keepAlive)
            }
        }
        return (status, false)
    }

    /// Microseconds to verify one signed request as the server does: hash the body, parse the
    /// Authorization header, and check the signature with the signing key cached after the first.
    static func timeVerification(_ request: PreparedRequest, secret: String) throws -> Double {
        let verifier = SigV4Verifier()
        let now = AmzDate(epochSeconds: Int64(Date().timeIntervalSince1970))
        let rounds = 20_000
        let clock = ContinuousClock()
        var verified = 0
        let elapsed = try clock.measure {
            for _ in 0..<rounds {
                let signable = SignableRequest(
                    method: "POST", path: "/", query: "", headers: request.headers, bodySHA256: SHA256.hash(data: request.body).hexString)
                guard let claim = try SigV4Authorization.parse(signable) else { continue }
                try verifier.verify(signable, claim: claim, secret: secret, now: now)
                verified += 1
            }
        }
        guard verified == rounds else { throw ValidationError("the signed request did not verify") }
        return Double(elapsed.components.attoseconds) / 1e12 / Double(rounds) + Double(elapsed.components.seconds) * 1e6 / Double(rounds)
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

/// What the connections share: the next request to send, the measurements, and when measuring began.
final class Shared: Sendable {
    let total: Int
    let warmup: Int
    private let next = Atomic<Int>(0)
    private let state = Mutex<(latencies: [Double], errors: Int, connections: Int, started: ContinuousClock.Instant?, ended: ContinuousClock.Instant?)>(
        ([], 0, 0, nil, nil))

    init(total: Int, warmup: Int) {
        self.total = total
        self.warmup = warmup
    }

    var hasWork: Bool { next.load(ordering: .relaxed) < total }

    /// The next request's number, or `nil` when all are taken.
    func take() -> Int? {
        let index = next.add(1, ordering: .relaxed).oldValue
        guard index < total else { return nil }
        if index == warmup { state.withLock { $0.started = ContinuousClock.now } }
        return index
    }

    func noteConnection() {
        state.withLock { $0.connections += 1 }
    }

    func record(index: Int, elapsed: Duration, ok: Bool) {
        guard index >= warmup else { return }
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        state.withLock {
            $0.latencies.append(milliseconds)
            if !ok { $0.errors += 1 }
            $0.ended = ContinuousClock.now
        }
    }

    /// Sorted latencies (ms), errors, connections opened, and the measured seconds.
    func summary() -> (latencies: [Double], errors: Int, connections: Int, seconds: Double) {
        state.withLock { state in
            var seconds = 0.0
            if let start = state.started, let end = state.ended {
                let span = end - start
                seconds = Double(span.components.seconds) + Double(span.components.attoseconds) / 1e18
            }
            return (state.latencies.sorted(), state.errors, state.connections, seconds)
        }
    }
}

/// A request signed before the measurement: its headers (with the signature) and body.
struct PreparedRequest: Sendable {
    var headers: [(name: String, value: String)]
    var body: [UInt8]
}
