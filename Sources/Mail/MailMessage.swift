import Foundation

/// A plain-text email as Gatehouse sends it (invitations, password resets, sign-up verification).
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: String
    public var subject: String
    public var text: String

    public init(from: String, to: String, subject: String, text: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
    }

    /// The message in Internet Message Format (RFC 5322) with CRLF line ends, as an `.eml` file holds it
    /// and SMTP's DATA carries it. Header values are stripped of line breaks so no header can be injected.
    public func rendered(date: Date, messageId: String) -> String {
        func header(_ value: String) -> String {
            // By scalar: "\r\n" is one Character, so a Character filter would let it through.
            String(String.UnicodeScalarView(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let lines = [
            "From: \(header(from))", "To: \(header(to))", "Subject: \(header(subject))", "Date: \(formatter.string(from: date))",
            "Message-ID: <\(header(messageId))>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "",
        ]
        // Every line break (CRLF, bare CR, bare LF) becomes CRLF, so no bare CR can reach a relay.
        let unified = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let body = unified.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        return lines.joined(separator: "\r\n") + "\r\n" + body + "\r\n"
    }
}
