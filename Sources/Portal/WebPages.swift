import Directory
import Hummingbird
import Mail

/// Every web page Gatehouse serves: the account console, the access portal at its start URL, and the
/// portal's sign-in pages for the CLI flows. The console and the portal share the console's sessions
/// (the portal opens the console as a role).
public struct WebPages: Sendable {
    let portal: PortalPages
    let console: ConsolePages
    let start: StartPages

    /// - Parameters:
    ///   - publicURL: the address people reach the server at (`https://host[:port]`), for links in mail and security keys.
    ///   - allowSignup: offer public sign-up at `/console/signup`.
    public init(
        directory: Directory, renderer: PageRenderer, invoker: any OperationInvoker, outbox: Outbox, publicURL: String, allowSignup: Bool = false
    ) {
        let site = PublicSite(url: publicURL)
        portal = PortalPages(directory: directory, renderer: renderer)
        console = ConsolePages(directory: directory, renderer: renderer, invoker: invoker, outbox: outbox, site: site, allowSignup: allowSignup)
        start = StartPages(directory: directory, renderer: renderer, invoker: invoker, outbox: outbox, site: site, consoleSessions: console.sessions)
    }

    public func register<Context: PortalRequestContext>(on router: Router<Context>) {
        portal.register(on: router)
        console.register(on: router)
        start.register(on: router)
    }

    /// Whether `path` is one of these pages (everything else on the server is the AWS endpoint).
    public static func owns(_ path: String) -> Bool {
        PortalPages.paths.contains(path) || path == ConsolePages.prefix || path.hasPrefix(ConsolePages.prefix + "/")
            || path.hasPrefix(StartPages.prefix)
    }
}
