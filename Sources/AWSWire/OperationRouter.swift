/// Finds which service and operation a request calls, as botocore's models define them:
/// the SigV4 credential scope names the service, then `X-Amz-Target` (json),
/// `Action=` (query, in a form body or the query string) or the REST path (rest-json).
public struct OperationRouter: Sendable {
    /// Where routing ended: always a protocol to answer in, an operation when one was found.
    public struct Route: Sendable {
        public var service: ServiceModel?
        /// The protocol errors are written in (the service's, or the request's look when the service is unknown).
        public var wireProtocol: ServiceModel.WireProtocol
        public var operation: ServiceOperation?
        /// Why no operation was found (answered once the request is authenticated).
        public var failure: AWSError?
        /// The query protocol's parameters (form body or query string).
        public var form: [(name: String, value: String)]
        /// REST path labels (`{AccountId}`) of a rest-json operation.
        public var labels: [String: String]
    }

    private let bySigningName: [String: ServiceModel]
    private let byTargetPrefix: [String: ServiceModel]
    private let restRoutes: [RESTRoute]
    private let queryServices: [ServiceModel]

    public init(services: [ServiceModel]) {
        var bySigningName: [String: ServiceModel] = [:]
        var byTargetPrefix: [String: ServiceModel] = [:]
        var restRoutes: [RESTRoute] = []
        for service in services {
            bySigningName[service.signingName] = service
            if let prefix = service.targetPrefix { byTargetPrefix[prefix] = service }
            if service.wireProtocol == .restJSON {
                for operation in service.operations.values.sorted(by: { $0.name < $1.name }) {
                    restRoutes.append(RESTRoute(service: service, operation: operation))
                }
            }
        }
        self.bySigningName = bySigningName
        self.byTargetPrefix = byTargetPrefix
        // A route that also requires query parameters (`/token?aws_iam=t`) is tried before the bare path.
        self.restRoutes = restRoutes.filter { !$0.query.isEmpty } + restRoutes.filter { $0.query.isEmpty }
        self.queryServices = services.filter { $0.wireProtocol == .query }
    }

    /// Routes `request`; `signingName` is the credential scope's service when the request is signed.
    public func route(_ request: WireRequest, signingName: String?) -> Route {
        if let target = request.header("x-amz-target") {
            return routeJSON(target: target, signingName: signingName)
        }
        let service = signingName.flatMap { bySigningName[$0] }
        switch service?.wireProtocol {
        case .json?:
            return Route(
                service: service, wireProtocol: .json, operation: nil,
                failure: AWSError(code: "UnknownOperationException", message: "Missing X-Amz-Target header."), form: [], labels: [:])
        case .restJSON?:
            return routeREST(request, among: restRoutes.filter { $0.service === service }, fallback: service)
        case .query?, nil:
            if signingName == nil, let rest = matchREST(request, among: restRoutes) { return rest }
            return routeQuery(request, service: service, signingName: signingName)
        }
    }

    func routeJSON(target: String, signingName: String?) -> Route {
        let parts = target.split(separator: ".")
        let prefix = parts.dropLast().joined(separator: ".")
        let name = parts.last.map(String.init) ?? ""
        guard let service = byTargetPrefix[prefix] ?? signingName.flatMap({ bySigningName[$0] }),
            service.wireProtocol == .json, let operation = service.operations[name], service.targetPrefix == prefix
        else {
            let unknown = AWSError(code: "UnknownOperationException", message: "Operation \(target) is not known.")
            return Route(service: byTargetPrefix[prefix], wireProtocol: .json, operation: nil, failure: unknown, form: [], labels: [:])
        }
        return Route(service: service, wireProtocol: .json, operation: operation, failure: nil, form: [], labels: [:])
    }

    func routeQuery(_ request: WireRequest, service: ServiceModel?, signingName: String?) -> Route {
        var route = Route(service: service, wireProtocol: .query, operation: nil, failure: nil, form: [], labels: [:])
        do {
            if !request.query.isEmpty { route.form = try FormDecoding.pairs(Array(request.query.utf8)) }
            if request.hasFormBody {
                let body = try FormDecoding.pairs(request.body)
                if route.form.isEmpty { route.form = body } else { route.form += body }
            }
        } catch {
            route.failure = error
            return route
        }
        guard let action = route.form.first(where: { $0.name == "Action" })?.value else {
            route.failure = AWSError(code: "MissingAction", message: "Missing Action")
            return route
        }
        guard let service = service ?? (signingName == nil ? queryServices.first { $0.operations[action] != nil } : nil) else {
            route.failure = AWSError(
                code: "InvalidAction",
                message: "Gatehouse does not serve the service '\(signingName ?? "")' named in the credential scope."
            )
            return route
        }
        route.service = service
        guard let operation = service.operations[action] else {
            route.failure = AWSError(code: "InvalidAction", message: "Could not find operation \(action) for version \(service.apiVersion)")
            return route
        }
        route.operation = operation
        return route
    }

    func routeREST(_ request: WireRequest, among routes: [RESTRoute], fallback: ServiceModel?) -> Route {
        matchREST(request, among: routes)
            ?? Route(
                service: fallback, wireProtocol: .restJSON, operation: nil,
                failure: AWSError(code: "UnknownOperationException", message: "No operation matches \(request.method) \(request.path).", status: 404),
                form: [], labels: [:])
    }

    func matchREST(_ request: WireRequest, among routes: [RESTRoute]) -> Route? {
        let segments = request.path.split(separator: "/")
        let query = Set(request.query.split(separator: "&"))
        for route in routes where route.operation.httpMethod == request.method && route.query.isSubset(of: query) {
            if let labels = Self.match(route.template, segments) {
                return Route(service: route.service, wireProtocol: .restJSON, operation: route.operation, failure: nil, form: [], labels: labels)
            }
        }
        return nil
    }

    static func match(_ template: [Substring], _ segments: [Substring]) -> [String: String]? {
        var labels: [String: String] = [:]
        for (index, part) in template.enumerated() {
            if part.hasPrefix("{"), part.hasSuffix("+}") {
                guard index < segments.count else { return nil }
                labels[String(part.dropFirst().dropLast(2))] = segments[index...].map { FormDecoding.percentDecoded($0) }.joined(separator: "/")
                return labels
            }
            guard index < segments.count else { return nil }
            if part.hasPrefix("{"), part.hasSuffix("}") {
                labels[String(part.dropFirst().dropLast())] = FormDecoding.percentDecoded(segments[index])
            } else if part != segments[index] {
                return nil
            }
        }
        return template.count == segments.count ? labels : nil
    }
}

extension FormDecoding {
    /// Percent-decodes a path segment (`+` stays `+`); invalid UTF-8 is replaced.
    static func percentDecoded(_ text: Substring) -> String {
        var out: [UInt8] = []
        var bytes = text.utf8.makeIterator()
        while let byte = bytes.next() {
            if byte == UInt8(ascii: "%"), let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) {
                out.append(high << 4 | low)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A rest-json operation's request line: method, path template and any fixed query parameters.
struct RESTRoute: Sendable {
    let service: ServiceModel
    let operation: ServiceOperation
    /// Path segments; `{Label}` and `{Label+}` capture.
    let template: [Substring]
    /// Literal query parameters the request must carry (`aws_iam=t`).
    let query: Set<Substring>

    init(service: ServiceModel, operation: ServiceOperation) {
        self.service = service
        self.operation = operation
        let parts = operation.requestURI.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        template = parts[0].split(separator: "/")
        query = parts.count > 1 ? Set(parts[1].split(separator: "&")) : []
    }
}
