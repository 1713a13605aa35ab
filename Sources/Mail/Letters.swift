import Foundation

/// The wording of each message Gatehouse sends: a subject and a plain-text body.
public enum Letters {
    /// The access portal page a set-up token opens: `<portal>/start/<identity store ID>/setup?token=...`.
    public static func setupLink(portal: String, identityStoreId: String, token: String) -> String {
        "\(portal)/start/\(identityStoreId)/setup?token=\(token)"
    }

    /// An Identity Center invitation: the link that sets the first password, valid 7 days.
    public static func invitation(displayName: String, userName: String, link: String, expires: Date) -> (subject: String, text: String) {
        (
            "Invitation to join Gatehouse Identity Center",
            """
            Hello \(displayName),

            You have been invited to use the access portal with the user name \(userName).
            Accept the invitation and choose your password here (the link works once, until \(stamp(expires))):

            \(link)

            If you did not expect this invitation, ignore this message.
            """
        )
    }

    /// A password reset the user asked for: the link that sets a new password, valid one hour.
    public static func passwordReset(displayName: String, userName: String, link: String, expires: Date) -> (subject: String, text: String) {
        (
            "Reset your Gatehouse access portal password",
            """
            Hello \(displayName),

            Someone asked to reset the password of the access portal user \(userName).
            Choose a new password here (the link works once, until \(stamp(expires))):

            \(link)

            If it was not you, ignore this message: your password stays as it is.
            """
        )
    }

    /// A public sign-up's email check: the link that creates the account, valid 24 hours.
    public static func signupVerification(accountName: String, link: String, expires: Date) -> (subject: String, text: String) {
        (
            "Verify your email for your new Gatehouse account",
            """
            Hello,

            Someone signed up for a Gatehouse account named "\(accountName)" with this email address as its root user.
            To create the account, open this link (it works once, until \(stamp(expires))):

            \(link)

            If it was not you, ignore this message: no account is created.
            """
        )
    }

    static func stamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
