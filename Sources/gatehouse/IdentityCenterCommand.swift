import ArgumentParser
import Directory
import Foundation
import GatehouseServer
import Logging
import Mail

/// `gatehouse identity-center ...`: the Identity Center steps AWS keeps in its console and access portal,
/// done directly in the data folder (a running server sees the change within a second).
struct IdentityCenterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity-center",
        abstract: "Identity Center sign-in: invitations, one-time passwords, MFA registration, device sign-in approval, sign-in settings.",
        subcommands: [Invite.self, OneTimePassword.self, RegisterMFA.self, Approve.self, Settings.self]
    )

    /// Lines of standard input, without their line ends.
    static func inputLine() -> String? {
        readLine(strippingNewline: true)
    }

    /// `gatehouse identity-center invite`.
    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mail a user an invitation whose link sets their password (valid 7 days, once) to the outbox; prints the address.")

        @OptionGroup var settings: SettingsOptions
        @Option(help: "The identity store ID (d-...).") var identityStoreId: String
        @Option(help: "The user's user name.") var user: String
        @Option(help: "The server's address as users reach it, for the link.") var portalUrl = "http://127.0.0.1:7070"

        func run() async throws {
            let configuration = try await settings.configuration()
            let outbox = try Outbox(folder: Outbox.folder(in: configuration.dataDirectory))
            let issued = try await settings.withDirectory {
                try await $0.issuePasswordSetup(identityStoreId: identityStoreId, userName: user, purpose: .invitation)
            }
            let letter = Letters.invitation(
                displayName: issued.displayName, userName: issued.userName,
                link: Letters.setupLink(portal: portalUrl, identityStoreId: identityStoreId, token: issued.token), expires: issued.expires)
            try outbox.send(to: issued.email, subject: letter.subject, text: letter.text)
            print(issued.email)
        }
    }

    /// `gatehouse identity-center one-time-password`.
    struct OneTimePassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "one-time-password", abstract: "Give a user a one-time password (printed once); they choose their own at first sign-in.")

        @OptionGroup var settings: SettingsOptions
        @Option(help: "The identity store ID (d-...).") var identityStoreId: String
        @Option(help: "The user's user name.") var user: String

        func run() async throws {
            let password = try await settings.withDirectory {
                try await $0.setOneTimePassword(identityStoreId: identityStoreId, userName: user)
            }
            print(password)
        }
    }

    /// `gatehouse identity-center register-mfa`.
    struct RegisterMFA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register-mfa",
            abstract: "Register an authenticator app for a user.",
            discussion: """
                Reads the user's password from the first line of standard input (with --change-password, the new password from the \
                second), prints the otpauth:// URI to add to the app, then reads two consecutive codes, one per line.
                """)

        @OptionGroup var settings: SettingsOptions
        @Option(help: "The identity store ID (d-...).") var identityStoreId: String
        @Option(help: "The user's user name.") var user: String
        @Option(help: "A name for the device.") var deviceName = "authenticator"
        @Flag(help: "The password is a one-time password: read a new one from the next line.") var changePassword = false

        func run() async throws {
            guard let password = IdentityCenterCommand.inputLine() else { throw ValidationError("Give the password on standard input.") }
            let newPassword = changePassword ? IdentityCenterCommand.inputLine() : nil
            let seed = TOTP.randomSeed()
            let secret = TOTP.base32(seed)
            FileHandle.standardOutput.write(Data("otpauth://totp/Gatehouse:\(user)?secret=\(secret)&issuer=Gatehouse\n".utf8))
            guard let first = IdentityCenterCommand.inputLine(), let second = IdentityCenterCommand.inputLine() else {
                throw ValidationError("Give two consecutive codes, one per line.")
            }
            try await settings.withDirectory {
                try await $0.registerPortalMFA(
                    identityStoreId: identityStoreId, userName: user, password: password, newPassword: newPassword, deviceName: deviceName,
                    seed: seed, codes: (first, second))
            }
            print("Registered \(deviceName) for \(user).")
        }
    }

    /// `gatehouse identity-center approve`.
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a device sign-in (the code `aws sso login` or `gatehouse login` shows) as a user.",
            discussion: """
                Reads the password from the first line of standard input (with --change-password, a new password from the second).
                """)

        @OptionGroup var settings: SettingsOptions
        @Option(help: "The code the signing-in device shows (XXXX-XXXX).") var userCode: String
        @Option(help: "The user's user name.") var user: String
        @Option(help: "A code from the user's authenticator app, when MFA is required.") var mfaCode: String?
        @Flag(help: "The password is a one-time password: read a new one from the next line.") var changePassword = false

        func run() async throws {
            guard let password = IdentityCenterCommand.inputLine() else { throw ValidationError("Give the password on standard input.") }
            let newPassword = changePassword ? IdentityCenterCommand.inputLine() : nil
            try await settings.withDirectory {
                try await $0.decideDeviceSignIn(
                    userCode: userCode, credentials: PortalCredentials(userName: user, password: password, newPassword: newPassword, mfaCode: mfaCode),
                    allow: true)
            }
            print("Approved sign-in \(userCode) for \(user).")
        }
    }

    /// `gatehouse identity-center settings`.
    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show or change how the access portal signs users in (printed as JSON).")

        @OptionGroup var settings: SettingsOptions
        @Option(help: "The identity store ID (d-...).") var identityStoreId: String
        @Option(help: "When to ask for MFA: EVERY_SIGN_IN, CONTEXT_AWARE or DISABLED.") var mfaMode: String?
        @Option(help: "Allowed MFA types, comma-separated: AUTHENTICATOR_APP, SECURITY_KEY.") var mfaTypes: String?
        @Option(help: "A user without MFA: REGISTER_AT_SIGN_IN, BLOCKED or ALLOWED.") var withoutMfa: String?
        @Option(help: "Portal session length in hours (1-168).") var sessionHours: Int?

        func run() async throws {
            let (mode, types, without, hours) = (mfaMode, mfaTypes, withoutMfa, sessionHours)
            let current = try await settings.withDirectory {
                try await $0.updateSignInSettings(identityStoreId: identityStoreId) { settings in
                    if let mode { settings.mfaMode = mode }
                    if let types { settings.allowedMFATypes = types.split(separator: ",").map { String($0) } }
                    if let without { settings.withoutMFA = without }
                    if let hours { settings.portalSessionHours = hours }
                }
            }
            let allowed = current.allowedMFATypes.map { "\"\($0)\"" }.joined(separator: ",")
            print(
                "{\"MfaMode\":\"\(current.mfaMode)\",\"AllowedMfaTypes\":[\(allowed)],\"WithoutMfa\":\"\(current.withoutMFA)\",\"PortalSessionHours\":\(current.portalSessionHours)}"
            )
        }
    }
}
