import AWSWire
import Crypto
import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SigV4

/// The AWS API front door: one port for every service. For each request: read the body,
/// route it to a service and operation, verify SigV4, decode and validate the input,
/// run the operation, record the call in the audit trail, and answer in the protocol's format.
struct AWSEndpoint: Sendable {
    let router: OperationRouter
    let operations: OperationRegistry
    let authenticator: Authenticator
    let auditTrail: AuditTrail
    let maxBodySize: Int

    func respond(to request: Request, context: GatehouseRequestContext) async -> Response {
        let requestId = UUID().uuidString.lowercased()
        var request = request
        var headers: [(name: String, value: String)] = request.head.authority.map { [("host", $0)] } ?? []
        for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
        let bodyBytes: [UInt8]
        do {
            let buffer = try await request.collectBody(upTo: maxBodySize)
            bodyBytes = Array(buffer: buffer)
        } catch {
            let wire = WireRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", headers: headers, body: [])
            let route = router.route(wire, signingName: nil)
            let tooLarge = AWSError(code: "RequestEntityTooLarge", message: "Request bodies are limited to \(maxBodySize) bytes.", status: 413)
            return Self.response(AWSCodec.error(tooLarge, route: route, requestId: requestId))
        }
        let wire = WireRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", headers: headers, body: bodyBytes)
        return Self.response(await respond(to: wire, requestId: requestId, sourceIPAddress: context.sourceIPAddress, logger: context.logger))
    }

    func respond(to wire: WireRequest, requestId: String, sourceIPAddress: String, logger: Logger) async -> WireResponse {
        let now = Date()
        let signable = SignableRequest(
            method: wire.method, path: wire.path, query: wire.query, headers: wire.headers,
            bodySHA256: SHA256.hash(data: wire.body).hexString)
        var claim: SigV4Authorization?
        var claimError: SigV4Error?
        do {
            claim = try SigV4Authorization.parse(signable)
        } catch {
            claimError = error
        }
        let route = router.route(wire, signingName: claim?.scope.service)
        var caller: Caller?
        if route.operation?.unsigned != true {
            do throws(Authenticator.Failure) {
                if let claimError { throw Authenticator.Failure(error: claimError) }
                let credential = try authenticator.authenticate(signable, claim: claim, now: AmzDate(epochSeconds: Int64(now.timeIntervalSince1970)))
                caller = Caller(
                    principal: credential.principal, accessKeyId: credential.accessKeyId,
                    sessionCredentials: credential.sessionTokenHash != nil, region: claim?.scope.region ?? "us-east-1",
                    sourceIPAddress: sourceIPAddress, userAgent: wire.header("user-agent") ?? "")
            } catch {
                let awsError = Authenticator.awsError(error.error, wireProtocol: route.wireProtocol)
                logger.info(
                    "authentication failed",
                    metadata: ["request.id": "\(requestId)", "error": "\(awsError.code)", "access_key_id": "\(claim?.scope.accessKeyId ?? "-")"])
                if let credential = error.credential, let service = route.service, let operation = route.operation {
                    // A known key that failed: the key's account sees the attempt in its trail.
                    let intruder = Caller(
                        principal: credential.principal, accessKeyId: credential.accessKeyId,
                        sessionCredentials: credential.sessionTokenHash != nil, region: claim?.scope.region ?? "us-east-1",
                        sourceIPAddress: sourceIPAddress, userAgent: wire.header("user-agent") ?? "")
                    record(service: service, operation: operation, caller: intruder, input: nil, output: nil, error: awsError, requestId: requestId, time: now, readOnly: true)
                }
                return AWSCodec.error(awsError, route: route, requestId: requestId)
            }
        }
        guard let service = route.service, let operation = route.operation else {
            return AWSCodec.error(route.failure ?? AWSError.internalFailure, route: route, requestId: requestId)
        }
        guard let entry = operations.entry(service: service.signingName, operation: operation.name) else {
            let error = AWSError.notImplemented(service: service.signingName, operation: operation.name)
            if let caller { record(service: service, operation: operation, caller: caller, input: nil, output: nil, error: error, requestId: requestId, time: now, readOnly: true) }
            return AWSCodec.error(error, route: route, requestId: requestId)
        }
        var input: AWSValue?
        do {
            input = try AWSCodec.input(of: wire, route: route, validate: !entry.validatesInput)
            let output = try await entry.handler(OperationCall(input: input ?? .empty, caller: caller, requestId: requestId, time: now))
            if let caller { record(service: service, operation: operation, caller: caller, input: input, output: output, error: nil, requestId: requestId, time: now, readOnly: entry.readOnly) }
            return AWSCodec.response(output, route: route, requestId: requestId)
        } catch {
            let awsError: AWSError
            if let known = error as? AWSError {
                awsError = known
            } else {
                logger.error("operation failed", metadata: ["request.id": "\(requestId)", "operation": "\(operation.name)", "error": "\(error)"])
                awsError = .internalFailure
            }
            if let caller { record(service: service, operation: operation, caller: caller, input: input, output: nil, error: awsError, requestId: requestId, time: now, readOnly: entry.readOnly) }
            return AWSCodec.error(awsError, route: route, requestId: requestId)
        }
    }

    /// Buffers the audit event of a call that changed nothing (a refused or read-only call).
    func record(
        service: ServiceModel, operation: ServiceOperation, caller: Caller, input: AWSValue?, output: AWSValue?, error: AWSError?,
        requestId: String, time: Date, readOnly: Bool
    ) {
        let event = AuditEvent(
            eventTime: time, eventSource: "\(service.endpointPrefix).amazonaws.com", eventName: operation.name, awsRegion: caller.region,
            sourceIPAddress: caller.sourceIPAddress, userAgent: caller.userAgent,
            identity: .init(principal: caller.principal, accessKeyId: caller.accessKeyId),
            requestParameters: input.flatMap { $0 == .empty ? nil : AuditRedaction.redact($0, reference: operation.input, model: service) },
            responseElements: output.flatMap { $0 == .empty ? nil : AuditRedaction.redact($0, reference: operation.output, model: service) },
            errorCode: error?.code, errorMessage: error?.message, requestId: requestId, readOnly: readOnly,
            recipientAccountId: caller.principal.accountId)
        auditTrail.record(event)
    }

    static func response(_ wire: WireResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in wire.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return Response(status: .init(code: wire.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: wire.body)))
    }
}
