import Directory
import Hummingbird

/// Guards the portal's forms against cross-site posts: the form carries a random token that must equal
/// the one in a `SameSite=Strict`, `HttpOnly` cookie set when the form was served (double submit).
enum CSRFToken {
    static let cookieName = "gatehouse_csrf"

    /// A fresh token: 256 random bits as hexadecimal.
    static func make() -> String { Identifiers.hex(64) }

    /// The cookie that carries `token` for half an hour.
    static func cookie(_ token: String) -> Cookie {
        Cookie(name: cookieName, value: token, maxAge: 1800, path: "/", httpOnly: true, sameSite: .strict)
    }

    /// Whether the form's token matches the request's cookie.
    static func isValid(form: String?, request: Request) -> Bool {
        guard let form, let cookie = request.cookies[cookieName]?.value, form.utf8.count == 64 else { return false }
        return ConstantTime.equals(Array(form.utf8), Array(cookie.utf8))
    }
}
