import Foundation
import Testing

@testable import Mail

@Suite struct MailTests {
    @Test func headersCannotBeInjectedAndLinesEndInCRLF() {
        let message = MailMessage(from: "Gatehouse <no-reply@gatehouse.local>", to: "a@example.com\r\nBcc: evil@example.com", subject: "Hi\nthere", text: "one\ntwo")
        let rendered = message.rendered(date: Date(timeIntervalSince1970: 0), messageId: "x@y")
        #expect(rendered.contains("To: a@example.comBcc: evil@example.com\r\n"))
        #expect(!rendered.contains("\r\nBcc:"))
        #expect(rendered.contains("Subject: Hithere\r\n"))
        #expect(rendered.hasSuffix("\r\n\r\none\r\ntwo\r\n"))
        #expect(rendered.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
    }

    @Test func theRelayReadsTheEnvelopeFromTheHeader() {
        let rendered = MailMessage(from: "Gatehouse <no-reply@gatehouse.local>", to: "b@example.com", subject: "s", text: "To: not@this.one")
            .rendered(date: Date(), messageId: "m@g")
        let envelope = MailRelay.envelope(rendered)
        #expect(envelope.to == "b@example.com")
        #expect(SMTPClient.address(envelope.from) == "no-reply@gatehouse.local")
    }

    @Test func relayAddresses() throws {
        let address = try SMTPRelayAddress(url: "smtp://mail.example.com:2525")
        #expect(address.host == "mail.example.com" && address.port == 2525)
        #expect(try SMTPRelayAddress(url: "smtp://mail.example.com").port == 25)
        for bad in ["http://mail.example.com", "smtp://user:pw@mail.example.com", "smtp://", "mail.example.com:25"] {
            #expect(throws: SMTPError.self) { try SMTPRelayAddress(url: bad) }
        }
    }
}

@Suite struct MailLineBreakTests {
    @Test func everyLineBreakInTheBodyBecomesCRLF() {
        let rendered = MailMessage(from: "a@b.cc", to: "c@d.ee", subject: "s", text: "one\rtwo\r\nthree\nfour").rendered(date: Date(), messageId: "m@g")
        let body = rendered.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        #expect(body == "one\r\ntwo\r\nthree\r\nfour\r\n")
        #expect(!rendered.unicodeScalars.enumerated().contains { index, scalar in
            scalar == "\r" && Array(rendered.unicodeScalars).dropFirst(index + 1).first != "\n"
        })
    }

    @Test func onlyRelaysOnThisMachineMayGoWithoutTLS() throws {
        #expect(try SMTPRelayAddress(url: "smtp://127.0.0.1:2525").isLoopback)
        #expect(try SMTPRelayAddress(url: "smtp://localhost").isLoopback)
        #expect(try !SMTPRelayAddress(url: "smtp://mail.example.com").isLoopback)
    }
}
