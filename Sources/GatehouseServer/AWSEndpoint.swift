import AWSWire
import Authorization
import Crypto
import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SigV4
import Storage

/// The AWS API front door: one port for every service. For each request: read the body,
/// route it to a service and operation, verify SigV4, decode and validate the input,
/// run the operation, record the call in the audit trail, and answer in the protocol's format.
struct AWSEndpoint: Sendable {
    let directory: Directory
    let authorizer: Authorizer
    let accessMode: AccessMode
    /// The account unknown keys act in when requests go unchecked.
    let devAccountId: String
    let router: OperationRouter
    let operations: OperationRegistry
    let authenticator: Authenticator
    let auditTrail: AuditTrail
    let maxBodySize: Int
    /// Whether the server itself serves TLS: every request then came over it (`aws:SecureTransport`).
    let secureTransport: Bool
    /// For faults of calls the web pages make (API calls log with their request's logger).
    let logger: Logger

    func respond(to request: Request, context: GatehouseRequestContext) async -> Response {
        let requestId = Identifiers.uuid()
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
        if let claim, claimError == nil { claimError = Self.bindingFailure(claim, route: route, wire: wire) }
        let signedRegion = claim?.scope.region ?? "us-east-1"
        let region = route.service?.requestRegion(signedFor: signedRegion) ?? signedRegion
        let unchecked = accessMode.takeUncheckedTurn { claim.flatMap { directory.credential(accessKeyId: $0.scope.accessKeyId)?.accountId } }
        var caller: Caller?
        if route.operation?.unsigned != true {
            do throws(Authenticator.Failure) {
                if let claimError { throw Authenticator.Failure(error: claimError) }
                if unchecked, claim.flatMap({ directory.credential(accessKeyId: $0.scope.accessKeyId) }) == nil {
                    // Emulator mode: a key Gatehouse does not know (or none) acts as the development account's root user.
                    throw Authenticator.Failure(error: .unknownAccessKey, permissiveFallback: true)
                }
                let (credential, principal) = try authenticator.authenticate(
                    signable, claim: claim, now: AmzDate(epochSeconds: Int64(now.timeIntervalSince1970)))
                caller = Caller(
                    principal: principal, accessKeyId: credential.accessKeyId,
                    sessionCredentials: credential.sessionTokenHash != nil, region: region,
                    sourceIPAddress: sourceIPAddress, userAgent: wire.header("user-agent") ?? "",
                    sessionIssued: credential.sessionTokenHash == nil ? nil : Date(timeIntervalSince1970: credential.created),
                    mfaAuthenticated: credential.mfaAt.map { Date(timeIntervalSince1970: $0) })
                if let claim { directory.noteKeyUse(credential.accessKeyId, service: claim.scope.service, region: claim.scope.region, at: now) }
            } catch where error.permissiveFallback {
                caller = Caller(
                    principal: .root(of: devAccountId), accessKeyId: claim?.scope.accessKeyId ?? "", sessionCredentials: false,
                    region: region, sourceIPAddress: sourceIPAddress, userAgent: wire.header("user-agent") ?? "",
                    permissive: true)
            } catch {
                let awsError = Authenticator.awsError(error.error, wireProtocol: route.wireProtocol)
                logger.info(
                    "authentication failed",
                    metadata: ["request.id": "\(requestId)", "error": "\(awsError.code)", "access_key_id": "\(claim?.scope.accessKeyId ?? "-")"])
                if let credential = error.credential, let principal = error.principal, let service = route.service, let operation = route.operation {
                    // A known key that failed: the key's account sees the attempt in its trail.
                    let intruder = Caller(
                        principal: principal, accessKeyId: credential.accessKeyId,
                        sessionCredentials: credential.sessionTokenHash != nil, region: region,
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
        let input: AWSValue?
        do throws(AWSError) {
            input = try AWSCodec.input(of: wire, route: route, validate: !entry.validatesInput, optional: entry.optionalMembers)
        } catch {
            if let caller { record(service: service, operation: operation, caller: caller, input: nil, output: nil, error: error, requestId: requestId, time: now, readOnly: entry.readOnly) }
            return AWSCodec.error(error, route: route, requestId: requestId)
        }
        let result = await perform(
            service: service, operation: operation, entry: entry, input: input, caller: caller, unchecked: unchecked, requestId: requestId, now: now,
            logger: logger)
        switch result {
        case .success(let output): return AWSCodec.response(output, route: route, requestId: requestId)
        case .failure(let error): return AWSCodec.error(error, route: route, requestId: requestId)
        }
    }

    /// Runs a call whose caller is known and whose input is decoded: authorizes it (unless the turn is `unchecked`),
    /// runs the handler (a change and its audit event in one transaction) and records the outcome in the audit trail.
    func perform(
        service: ServiceModel, operation: ServiceOperation, entry: OperationEntry, input: AWSValue?, caller: Caller?, unchecked: Bool,
        requestId: String, now: Date, logger: Logger
    ) async -> Result<AWSValue, AWSError> {
        let caller = caller.map { caller in
            var caller = caller
            caller.secureTransport = caller.secureTransport || secureTransport
            return caller
        }
        do throws(any Error) {
            if let caller, !unchecked || reachesBeyondDevelopment(service: service, operation: operation, input: input ?? .empty) {
                try authorizer.authorize(caller, service: service, operation: operation, input: input ?? .empty, now: now)
            }
            if let caller, unchecked, [ServiceModel.ssoAdmin.signingName, ServiceModel.identityStore.signingName].contains(service.signingName) {
                try await directory.createInstanceOnFirstReference(operation: operation.name, input: input ?? .empty, caller: caller, now: now)
            }
            let call = OperationCall(input: input ?? .empty, caller: caller, requestId: requestId, time: now)
            let output: AWSValue
            if !entry.mutates {
                output = try await entry.handler(call)
                if let caller { record(service: service, operation: operation, caller: caller, input: input, output: output, error: nil, requestId: requestId, time: now, readOnly: entry.readOnly) }
            } else {
                // The change and its audit event commit together, or neither does.
                output = try await directory.store.write { session in
                    var call = call
                    call.session = session
                    let output = try await entry.handler(call)
                    if let caller {
                        let event = auditEvent(
                            service: service, operation: operation, caller: caller, input: input, output: output, error: nil,
                            requestId: requestId, time: now, readOnly: entry.readOnly)
                        try await auditTrail.append([event], in: session)
                    }
                    return output
                }
                // Read your writes: the snapshot has the change before the answer leaves.
                try await directory.catchUp()
            }
            return .success(output)
        } catch {
            let awsError: AWSError
            if let known = error as? AWSError {
                awsError = known
            } else {
                logger.error("operation failed", metadata: ["request.id": "\(requestId)", "operation": "\(operation.name)", "error": "\(error)"])
                awsError = .internalFailure
            }
            if let caller { record(service: service, operation: operation, caller: caller, input: input, output: nil, error: awsError, requestId: requestId, time: now, readOnly: entry.readOnly) }
            return .failure(awsError)
        }
    }

    /// Buffers the audit event of a call that changed nothing (a refused or read-only call).
    func record(
        service: ServiceModel, operation: ServiceOperation, caller: Caller, input: AWSValue?, output: AWSValue?, error: AWSError?,
        requestId: String, time: Date, readOnly: Bool
    ) {
        auditTrail.record(
            auditEvent(
                service: service, operation: operation, caller: caller, input: input, output: output, error: error, requestId: requestId,
                time: time, readOnly: readOnly))
    }

    /// The CloudTrail event of a call, secrets redacted.
    func auditEvent(
        service: ServiceModel, operation: ServiceOperation, caller: Caller, input: AWSValue?, output: AWSValue?, error: AWSError?,
        requestId: String, time: Date, readOnly: Bool
    ) -> AuditEvent {
        var event = AuditEvent(
            eventTime: time, eventSource: "\(service.endpointPrefix).amazonaws.com", eventName: operation.name, awsRegion: caller.region,
            sourceIPAddress: caller.sourceIPAddress, userAgent: caller.userAgent,
            identity: .init(
                principal: caller.principal, accessKeyId: caller.accessKeyId, mfaAuthenticated: caller.mfaAuthenticated != nil,
                sessionCreated: caller.sessionIssued),
            requestParameters: input.flatMap { $0 == .empty ? nil : AuditRedaction.redact($0, reference: operation.input, model: service) },
            responseElements: Self.recordsResponse(service: service, operation: operation, readOnly: readOnly)
                ? output.flatMap { $0 == .empty ? nil : AuditRedaction.redact($0, reference: operation.output, model: service) } : nil,
            errorCode: error?.code, errorMessage: error?.message, requestId: requestId, readOnly: readOnly,
            recipientAccountId: caller.principal.accountId, permissive: caller.permissive)
        // Which policy refused the call (AWS's message stays AWS's; the record tells the rest).
        for (key, value) in error?.details ?? [:] { event.additionalEventData[key] = value }
        return event
    }

    /// CloudTrail records response elements for calls that change something, and for STS's read-only calls that
    /// issue credentials (`AssumeRole`, `GetSessionToken`, ...); a get or list call's record has none.
    static func recordsResponse(service: ServiceModel, operation: ServiceOperation, readOnly: Bool) -> Bool {
        !readOnly || (service.signingName == "sts" && Self.credentialIssuers.contains(operation.name))
    }

    /// The header names every answer has, made once (a name is checked and lower-cased when made).
    static let knownFieldNames: [String: HTTPField.Name] = Dictionary(
        uniqueKeysWithValues: ["Content-Type", "x-amzn-RequestId", "x-amzn-ErrorType"].compactMap { name in HTTPField.Name(name).map { (name, $0) } })

    static let credentialIssuers: Set<String> = [
        "AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot", "GetSessionToken", "GetFederationToken",
    ]

    static func response(_ wire: WireResponse) -> Response {
        var fields = HTTPFields()
        fields.reserveCapacity(wire.headers.count)
        for (name, value) in wire.headers {
            if let name = knownFieldNames[name] ?? HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return Response(status: .init(code: wire.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: wire.body)))
    }
}
