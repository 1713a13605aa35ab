import Crypto
import Foundation

/// The files the AWS CLI and SDKs read a sign-in from: the SSO token cache
/// (`~/.aws/sso/cache/<SHA-1 of the session name>.json`) and the profile in `~/.aws/config`.
struct AWSConfigFiles {
    let home: String
    /// `AWS_CONFIG_FILE`, else `~/.aws/config`.
    let configPath: String

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        home = environment["HOME"] ?? NSHomeDirectory()
        configPath = environment["AWS_CONFIG_FILE"] ?? home + "/.aws/config"
    }

    /// Where the SDKs look for the token of `sessionName`.
    func cachePath(sessionName: String) -> String {
        let digest = Insecure.SHA1.hash(data: Array(sessionName.utf8)).map { String(format: "%02x", $0) }.joined()
        return home + "/.aws/sso/cache/" + digest + ".json"
    }

    /// Writes the token cache (owner-only: it holds the client secret and the refresh token).
    func writeToken(
        sessionName: String, startUrl: String, region: String, tokens: PortalSignInClient.Tokens, client: PortalSignInClient.Registration
    ) throws -> String {
        var token: [String: String] = [
            "startUrl": startUrl, "region": region, "accessToken": tokens.accessToken, "expiresAt": Self.timestamp(tokens.expiresAt),
            "clientId": client.clientId, "clientSecret": client.clientSecret, "registrationExpiresAt": Self.timestamp(client.expiresAt),
        ]
        token["refreshToken"] = tokens.refreshToken
        let path = cachePath(sessionName: sessionName)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let data = try JSONSerialization.data(withJSONObject: token, options: [.sortedKeys])
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return path
    }

    /// Puts `sections` (header without brackets → `key = value` lines) into the config file, replacing
    /// sections of the same names and keeping everything else as it was.
    func writeConfig(_ sections: [(header: String, lines: [(String, String)])]) throws {
        let existing = (try? String(contentsOfFile: configPath, encoding: .utf8)) ?? ""
        let replaced = Set(sections.map(\.header))
        var kept: [String] = []
        var skipping = false
        for line in existing.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
                let header = trimmed.dropFirst().dropLast().split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                skipping = replaced.contains(header)
            }
            if !skipping { kept.append(line) }
        }
        while kept.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { kept.removeLast() }
        for section in sections {
            if !kept.isEmpty { kept.append("") }
            kept.append("[\(section.header)]")
            kept += section.lines.map { "\($0.0) = \($0.1)" }
        }
        try FileManager.default.createDirectory(
            atPath: (configPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try (kept.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// `2026-01-31T12:00:00Z`, as the AWS CLI writes the cache.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
