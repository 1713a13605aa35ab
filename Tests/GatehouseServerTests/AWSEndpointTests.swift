import Crypto
import Directory
import Foundation
import GatehouseServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import SigV4
import Storage
import Testing

/// The AWS endpoint in process, over a real socket, with an in-memory directory.
struct AWSEndpointTests {
    static let logger = Logger(label: "test")

    func withServer(_ body: @escaping @Sendable (Directory, any TestClientProtocol) async throws -> Void) async throws {
        let directory = try await Directory.open(dataDirectory: nil, bcryptCost: 10, logger: Self.logger)
        try await directory.ensureDevAccount()
        let app = try await buildApplication(
            configuration: ServerConfiguration(port: 0, dataDirectory: nil, maxBodySize: 4096),
            directory: directory, metrics: PrometheusCollectorRegistry(), logger: Self.logger)
        do {
            try await app.test(.live) { client in try await body(directory, client) }
        } catch {
            try await directory.close()
            throw error
        }
        try await directory.close()
    }

    /// A signed query-protocol request.
    func signed(
        _ body: String, key: String = DevAccount.accessKeyId, secret: String = DevAccount.secret, token: String? = nil,
        date: Date = Date(), service: String = "sts", port: Int
    ) -> (HTTPFields, ByteBuffer) {
        let request = SignableRequest(
            method: "POST", path: "/", query: "",
            headers: [("host", "localhost"), ("content-type", "application/x-www-form-urlencoded; charset=utf-8")],
            bodySHA256: SHA256.hash(data: Array(body.utf8)).hexString)
        let signer = SigV4Signer(accessKeyId: key, secret: secret, region: "us-east-1", service: service)
        let signedRequest = signer.sign(request, date: AmzDate(epochSeconds: Int64(date.timeIntervalSince1970)), securityToken: token)
        var fields = HTTPFields()
        for (name, value) in signedRequest.headers where name != "host" {
            fields.append(HTTPField(name: HTTPField.Name(name)!, value: value))
        }
        return (fields, ByteBuffer(string: body))
    }

    func call(_ client: any TestClientProtocol, _ request: (HTTPFields, ByteBuffer)) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: "/", method: .post, headers: request.0, body: request.1) { response in
            (response.status, String(buffer: response.body))
        }
    }

    @Test func rootCallerIdentity() async throws {
        try await withServer { _, client in
            let (status, body) = try await call(client, signed("Action=GetCallerIdentity&Version=2011-06-15", port: client.port!))
            #expect(status == .ok)
            #expect(body.contains("<Arn>arn:aws:iam::000000000000:root</Arn>"))
            #expect(body.contains("<UserId>000000000000</UserId>"))
        }
    }

    @Test func temporaryCredentialsNeedTheirToken() async throws {
        try await withServer { directory, client in
            let session = try await directory.issueTemporaryCredentials(accountId: DevAccount.id, duration: 900)
            #expect(session.accessKeyId.hasPrefix("ASIA"))
            let body = "Action=GetCallerIdentity&Version=2011-06-15"
            let port = client.port!
            let ok = try await call(client, signed(body, key: session.accessKeyId, secret: session.secretAccessKey, token: session.sessionToken, port: port))
            #expect(ok.0 == .ok)
            let missing = try await call(client, signed(body, key: session.accessKeyId, secret: session.secretAccessKey, port: port))
            #expect(missing.1.contains("<Code>InvalidClientTokenId</Code>"))
            let wrong = try await call(
                client, signed(body, key: session.accessKeyId, secret: session.secretAccessKey, token: session.sessionToken + "x", port: port))
            #expect(wrong.1.contains("<Code>InvalidClientTokenId</Code>"))
        }
    }

    @Test func expiredTemporaryCredentialsAreExpiredToken() async throws {
        try await withServer { directory, client in
            let session = try await directory.issueTemporaryCredentials(accountId: DevAccount.id, duration: 60, now: Date().addingTimeInterval(-120))
            let (status, body) = try await call(
                client,
                signed(
                    "Action=GetCallerIdentity&Version=2011-06-15", key: session.accessKeyId, secret: session.secretAccessKey,
                    token: session.sessionToken, port: client.port!))
            #expect(status == .forbidden)
            #expect(body.contains("<Code>ExpiredToken</Code>"))
            #expect(body.contains("The security token included in the request is expired"))
        }
    }

    @Test func expiredTokenInJSONServicesIsExpiredTokenException() async throws {
        try await withServer { directory, client in
            let session = try await directory.issueTemporaryCredentials(accountId: DevAccount.id, duration: 1, now: Date().addingTimeInterval(-10))
            let body = "{}"
            let request = SignableRequest(
                method: "POST", path: "/", query: "",
                headers: [
                    ("host", "localhost"), ("content-type", "application/x-amz-json-1.1"),
                    ("x-amz-target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"),
                ],
                bodySHA256: SHA256.hash(data: Array(body.utf8)).hexString)
            let signedRequest = SigV4Signer(accessKeyId: session.accessKeyId, secret: session.secretAccessKey, region: "us-east-1", service: "cloudtrail")
                .sign(request, date: AmzDate(epochSeconds: Int64(Date().timeIntervalSince1970)), securityToken: session.sessionToken)
            var fields = HTTPFields()
            for (name, value) in signedRequest.headers where name != "host" { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
            let (status, text) = try await call(client, (fields, ByteBuffer(string: body)))
            #expect(status == .badRequest)
            #expect(text.contains(#""__type":"ExpiredTokenException""#))
        }
    }

    @Test func oversizedBodyIsRefusedAndTheServerGoesOn() async throws {
        try await withServer { _, client in
            let big = String(repeating: "A", count: 10_000)
            let (status, body) = try await call(client, signed("Action=GetCallerIdentity&Version=2011-06-15&Pad=\(big)", port: client.port!))
            #expect(status == .contentTooLarge)
            #expect(body.contains("<Code>RequestEntityTooLarge</Code>"))
            let again = try await call(client, signed("Action=GetCallerIdentity&Version=2011-06-15", port: client.port!))
            #expect(again.0 == .ok)
        }
    }

    @Test func callsAreAuditedWithTheirIdentity() async throws {
        try await withServer { directory, client in
            _ = try await call(client, signed("Action=GetCallerIdentity&Version=2011-06-15", port: client.port!))
            _ = try await call(client, signed("Action=GetCallerIdentity&Version=2011-06-15", secret: "wrong", port: client.port!))
            try await directory.auditTrail.flush()
            let events = try await directory.auditTrail.lookup(.init(accountId: DevAccount.id, attribute: .eventName("GetCallerIdentity"), limit: 10))
            #expect(events.count == 2)
            #expect(events.allSatisfy { $0.username == "root" && $0.accessKeyId == DevAccount.accessKeyId && $0.readOnly })
            #expect(events.contains { $0.record.contains(#""errorCode":"SignatureDoesNotMatch""#) })
            // CloudTrail records response elements only for calls that change something.
            #expect(events.allSatisfy { !$0.record.contains("responseElements") })
        }
    }

    @Test func sessionTokensAreRedactedInTheTrail() async throws {
        try await withServer { directory, client in
            let (status, body) = try await call(client, signed("Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900", port: client.port!))
            #expect(status == .ok)
            let secret = try #require(body.firstMatch(of: /<SecretAccessKey>([^<]+)</)?.1)
            try await directory.auditTrail.flush()
            let events = try await directory.auditTrail.lookup(.init(accountId: DevAccount.id, attribute: .eventName("GetSessionToken"), limit: 1))
            let record = try #require(events.first?.record)
            #expect(!record.contains(String(secret)))
            #expect(record.contains("HIDDEN_DUE_TO_SECURITY_REASONS"))
        }
    }
}
