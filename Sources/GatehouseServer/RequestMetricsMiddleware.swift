import Dispatch
import Hummingbird
import Metrics
import Synchronization

/// Counts requests and times them to the moment their response is ready, by route, method and status
/// (`http.server.request.duration`, `hb.requests`, `hb.request.errors`, `http.server.active_requests`).
///
/// Unlike Hummingbird's `MetricsMiddleware`, it leaves the response body as it is: a wrapped body makes
/// the server flush the head and the body as two writes (two TCP segments for every answer). Calls to the
/// AWS endpoint, which the router never routes, count under the route `aws`.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = GatehouseRequestContext
    private let meters = RequestMeters()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = meters.active(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            meters.finished(route: context.endpointPath, method: request.method, status: response.status, after: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            meters.finished(route: context.endpointPath, method: request.method, status: status, after: start, failed: true)
            throw error
        }
    }
}

/// The metric handles of ``RequestMetricsMiddleware``, made once per route, method and status.
private final class RequestMeters: Sendable {
    private struct Key: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: Int
    }

    private struct Handles {
        let requests: Counter
        let errors: Counter
        let duration: Timer
    }

    private let handles = Mutex<[Key: Handles]>([:])
    private let meters = Mutex<[HTTPRequest.Method: Meter]>([:])

    func active(_ method: HTTPRequest.Method) -> Meter {
        meters.withLock { meters in
            if let meter = meters[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)])
            meters[method] = meter
            return meter
        }
    }

    func finished(route: String?, method: HTTPRequest.Method, status: HTTPResponse.Status, after start: UInt64, failed: Bool = false) {
        let key = Key(route: route ?? "aws", method: method, status: status.code)
        let handles = handles.withLock { handles in
            if let found = handles[key] { return found }
            let dimensions = [("http.route", key.route), ("http.request.method", method.rawValue), ("http.response.status_code", String(status.code))]
            let made = Handles(
                requests: Counter(label: "hb.requests", dimensions: dimensions),
                errors: Counter(
                    label: "hb.request.errors",
                    dimensions: [("http.route", key.route), ("http.request.method", method.rawValue), ("error.type", String(status.code))]),
                duration: Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds))
            handles[key] = made
            return made
        }
        handles.requests.increment()
        if failed { handles.errors.increment() }
        handles.duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
    }
}
