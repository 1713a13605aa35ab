import AWSWire
import Authorization
import Directory
import Hummingbird
import HTTPTypes
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import Logging
import Mail
import NIOCore
import NIOPosix
import Portal
import Prometheus
import ServiceLifecycle

/// The services Gatehouse serves, from botocore's models.
public let servedModels: [ServiceModel] = [.iam, .sts, .cloudTrail, .organizations, .ssoAdmin, .identityStore, .ssoOIDC, .ssoPortal]

/// Builds the Gatehouse application: the access portal's sign-in pages, `/healthz`, `/metrics`, and the
/// AWS endpoint on every other path, with the directory's follower and the audit trail's flusher as services.
///
/// - Parameters:
///   - configuration: where to listen and keep data.
///   - directory: the opened directory (the caller closes it after the app stops).
///   - metrics: the registry `/metrics` shows (bootstrap `MetricsSystem` with it once per process).
///   - onServerRunning: called with the bound port once the server listens.
public func buildApplication(
    configuration: ServerConfiguration,
    directory: Directory,
    metrics: PrometheusCollectorRegistry,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let authorizer = Authorizer(directory: directory)
    // Every service's operations, by model: the registry the endpoint dispatches with.
    let registry = OperationRegistry([
        (.iam, IAMOperations(directory: directory).entries + IAMSimulation(directory: directory, authorizer: authorizer).entries),
        (.sts, STSOperations(directory: directory).entries),
        (.cloudTrail, CloudTrailOperations(auditTrail: directory.auditTrail).entries),
        (.organizations, OrganizationsOperations(directory: directory).entries),
        (.ssoAdmin, SSOAdminOperations(directory: directory).entries),
        (.identityStore, IdentityStoreOperations(directory: directory).entries),
        (.ssoOIDC, SignInOperations(directory: directory).entries),
        (.ssoPortal, PortalOperations(directory: directory).entries),
    ])
    let accessMode = AccessMode(permissive: configuration.permissive, devAccountId: configuration.devAccountId)
    let endpoint = AWSEndpoint(
        directory: directory,
        authorizer: authorizer,
        accessMode: accessMode,
        devAccountId: configuration.devAccountId,
        router: OperationRouter(services: servedModels),
        operations: registry,
        authenticator: Authenticator(directory: directory),
        auditTrail: directory.auditTrail,
        maxBodySize: configuration.maxBodySize,
        secureTransport: configuration.servesTLS,
        logger: logger
    )
    let router = Router(context: GatehouseRequestContext.self)
    // First, so that every route (each takes the middleware added before it) sees the client behind a trusted proxy;
    // without one, no request pays for it.
    if !configuration.trustedProxies.isEmpty {
        router.add(middleware: ForwardedForMiddleware(forwarded: ForwardedFor(trusted: Set(configuration.trustedProxies))))
    }
    if configuration.effectivePublicURL.hasPrefix("https://") { router.add(middleware: StrictTransportSecurityMiddleware()) }
    var ownPaths: Set<String> = ["/healthz", "/metrics"]
    let outbox = try Outbox(folder: Outbox.folder(in: configuration.dataDirectory))
    WebPages(directory: directory, renderer: try await PageRenderer.load(), invoker: endpoint, outbox: outbox, publicURL: configuration.effectivePublicURL,
        allowSignup: configuration.allowSignup)
        .register(on: router)
    if configuration.servesResets {
        let resets = DevelopmentResets(
            directory: directory, accessMode: accessMode, devAccountId: configuration.devAccountId)
        ownPaths.formUnion(resets.paths)
        resets.register(on: router)
    }
    router.addMiddleware {
        RequestMetricsMiddleware()
        AWSEndpointMiddleware(endpoint: endpoint, ownPaths: ownPaths)
    }
    router.get("/healthz") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
    }
    router.get("/metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
    }
    var background: [any Service] = [DirectoryFollower(directory: directory), AuditFlusher(auditTrail: directory.auditTrail)]
    if let url = configuration.smtpURL {
        let relay = try SMTPRelayAddress(url: url)
        background.append(MailRelay(outbox: outbox, client: SMTPClient(relay: relay, caFile: configuration.smtpCAFile), logger: logger))
    }
    return Application(
        router: router,
        server: try serverBuilder(configuration),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "Gatehouse"),
        services: background,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        eventLoopGroupProvider: .shared(NetworkThreads.group),
        logger: logger
    )
}

/// HTTP/1.1, over TLS when the configuration names a certificate, with the connection limits.
func serverBuilder(_ configuration: ServerConfiguration) throws -> HTTPServerBuilder {
    let http = HTTPServerBuilder.http1(
        configuration: connectionConfiguration(configuration.connectionLimits, trustedProxies: Set(configuration.trustedProxies)))
    guard let certificate = configuration.tlsCertificate, let key = configuration.tlsKey else { return http }
    let tls = TLSConfiguration.makeServerConfiguration(
        certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
        privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
    return try .tls(http, tlsConfiguration: tls)
}

/// Tells browsers to reach the server over HTTPS only, for a year (when people reach it at an `https://` address).
struct StrictTransportSecurityMiddleware: RouterMiddleware {
    static let header = HTTPField.Name("Strict-Transport-Security")!

    func handle(
        _ request: Request, context: GatehouseRequestContext, next: (Request, GatehouseRequestContext) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.header] = "max-age=31536000"
        return response
    }
}

/// HTTP/1.1 with the connection limits: Hummingbird's idle timeout is the head timeout, and a ``ConnectionGuard`` on
/// every connection (sharing one count of connections per address) caps addresses and bounds body reads. A trusted
/// proxy carries many clients' connections: it is not capped.
func connectionConfiguration(_ limits: ConnectionLimits, trustedProxies: Set<String>) -> HTTP1Channel.Configuration {
    let counts = ConnectionCounts(limit: limits.perAddress, uncapped: trustedProxies)
    let bodyTimeout = TimeAmount.seconds(Int64(limits.bodyTimeout))
    return HTTP1Channel.Configuration(
        additionalChannelHandlers: [ConnectionGuard(counts: counts, bodyTimeout: bodyTimeout, stallTimeout: .seconds(Int64(limits.headTimeout)))],
        idleTimeout: .seconds(Int64(limits.headTimeout)))
}

/// Sends every request that is not for one of the server's own pages to the AWS endpoint.
struct AWSEndpointMiddleware: RouterMiddleware {
    let endpoint: AWSEndpoint
    let ownPaths: Set<String>

    func handle(
        _ request: Request, context: GatehouseRequestContext, next: (Request, GatehouseRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if ownPaths.contains(path) || WebPages.owns(path) { return try await next(request, context) }
        return await endpoint.respond(to: request, context: context)
    }
}

/// The threads that read and write the server's sockets: half the cores (at least one), where NIO
/// would take them all.
///
/// Requests are answered on Swift's concurrency pool, which has a thread per core already. With as many
/// I/O threads again, more threads than cores are ready at once, and the kernel spends its time waking
/// and moving them: on 2 cores, one I/O thread used 15–20 % less CPU a request than two.
enum NetworkThreads {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, System.coreCount / 2))
}

/// Keeps the directory's snapshot current with the store's change feed.
struct DirectoryFollower: Service {
    let directory: Directory

    func run() async throws {
        await cancelWhenGracefulShutdown { await directory.follow() }
    }
}

/// Writes buffered audit events every 250 ms, and the last ones at shutdown.
struct AuditFlusher: Service {
    let auditTrail: AuditTrail

    func run() async throws {
        await cancelWhenGracefulShutdown { await auditTrail.run() }
    }
}
