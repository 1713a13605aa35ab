import AWSWire
import Foundation
import Storage
import Synchronization

/// The OIDC sign-in service (`sso-oidc`, rest-json, unsigned) the AWS CLI uses to sign in to the
/// access portal: client registration, the authorization code grant with PKCE (its `/authorize` page is the
/// Portal module's), the device authorization grant (RFC 8628) and refresh tokens.
public final class SignInOperations: Sendable {
    let directory: Directory
    /// When each device code was last polled, for `slow_down`; polling state is not worth a write.
    let lastPolls = Mutex<[String: Date]>([:])
    /// Authorization codes a failed exchange used up, until they would have expired: a failed call commits nothing, so a
    /// code tried with the wrong verifier or redirect URI is remembered here at once (and deleted by a deferred write).
    let spentCodes = Mutex<[String: Date]>([:])

    public init(directory: Directory) {
        self.directory = directory
    }

    /// Every sso-oidc operation Gatehouse serves.
    public var entries: [OperationEntry] {
        [
            OperationEntry(name: "RegisterClient", readOnly: false, handler: { try await self.registerClient($0) }),
            OperationEntry(name: "StartDeviceAuthorization", readOnly: false, handler: { try await self.startDeviceAuthorization($0) }),
            OperationEntry(name: "CreateToken", readOnly: false, handler: { try await self.createToken($0) }),
        ]
    }

    static let model = ServiceModel.ssoOIDC
    static let deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"
    static let grantTypes: Set<String> = ["authorization_code", "refresh_token", deviceGrant]
    /// Access tokens last an hour; the refresh token renews them until the portal session ends.
    static let accessTokenLifetime: TimeInterval = 3600

    static func error(_ exception: String, _ description: String) -> AWSError { model.error(exception, description) }

    static func transaction(_ call: OperationCall) throws -> DocumentTransaction {
        DocumentTransaction(session: try call.requireSession(), accountId: SignInState.accountKey)
    }

    func registerClient(_ call: OperationCall) async throws -> AWSValue {
        let tx = try Self.transaction(call)
        guard call.input["clientType"]?.string == "public" else {
            throw Self.error("InvalidClientMetadataException", "Only public clients may register (clientType public).")
        }
        let grants = (call.input["grantTypes"]?.list ?? []).compactMap(\.string)
        if let unsupported = grants.first(where: { !Self.grantTypes.contains($0) }) {
            throw Self.error("UnsupportedGrantTypeException", "The grant type \(unsupported) is not supported.")
        }
        let redirects = (call.input["redirectUris"]?.list ?? []).compactMap(\.string)
        for uri in redirects {
            guard let url = URL(string: uri), url.scheme == "http", ["127.0.0.1", "localhost", "[::1]", "::1"].contains(url.host ?? "") else {
                throw Self.error("InvalidRedirectUriException", "Redirect URIs must be loopback addresses (http://127.0.0.1:<port>/...).")
            }
        }
        let issuerUrl = call.input["issuerUrl"]?.string
        if grants.contains("authorization_code") {
            guard !redirects.isEmpty else {
                throw Self.error("InvalidRequestException", "The authorization_code grant needs redirectUris.")
            }
            guard let issuerUrl, directory.instance(startUrl: issuerUrl) != nil else {
                throw Self.error("InvalidRequestException", "The authorization_code grant needs issuerUrl: the start URL of an access portal of this server.")
            }
        }
        let secret = Identifiers.secret() + Identifiers.secret()
        let client = OIDCClient(
            id: Identifiers.lowercase(22), secretHash: SignInState.digest(secret), name: call.input["clientName"]?.string ?? "",
            scopes: (call.input["scopes"]?.list ?? []).compactMap(\.string), grantTypes: grants.isEmpty ? [Self.deviceGrant, "refresh_token"] : grants,
            redirectUris: redirects, issuerUrl: issuerUrl, issued: call.time, expires: call.time.addingTimeInterval(90 * 86400))
        try await tx.put(client, SignInDocumentKind.client, client.id)
        return [
            "clientId": .string(client.id), "clientSecret": .string(secret),
            "clientIdIssuedAt": .integer(Int64(client.issued.timeIntervalSince1970)),
            "clientSecretExpiresAt": .integer(Int64(client.expires.timeIntervalSince1970)),
        ]
    }

    /// The registered client `clientId`, if `clientSecret` is its secret and it has not expired.
    func authenticatedClient(_ call: OperationCall) throws -> OIDCClient {
        let id = call.input["clientId"]?.string ?? ""
        let secret = call.input["clientSecret"]?.string ?? ""
        guard let client = directory.snapshot.signIn.clients[id.lowercased()], client.id == id,
            ConstantTime.equals(Array(SignInState.digest(secret).utf8), Array(client.secretHash.utf8)), client.expires > call.time
        else { throw Self.error("InvalidClientException", "The client is not registered, or its secret is wrong or expired.") }
        return client
    }

    func startDeviceAuthorization(_ call: OperationCall) async throws -> AWSValue {
        let client = try authenticatedClient(call)
        let startUrl = call.input["startUrl"]?.string ?? ""
        guard let instance = directory.instance(startUrl: startUrl), let base = URL(string: startUrl).flatMap(Self.origin) else {
            throw Self.error("InvalidRequestException", "The start URL \(startUrl) is not an access portal of this server.")
        }
        let tx = try Self.transaction(call)
        // Expired authorizations are cleared as new ones come.
        for (key, stale) in directory.snapshot.signIn.deviceAuthorizations where stale.expires < call.time {
            try await tx.delete(SignInDocumentKind.deviceAuthorization, key)
        }
        let deviceCode = Identifiers.secret() + Identifiers.secret()
        let letters = "BCDFGHJKLMNPQRSTVWXZ"
        let userCode = Identifiers.lowercase(4, alphabet: letters) + "-" + Identifiers.lowercase(4, alphabet: letters)
        let authorization = DeviceAuthorization(
            deviceCodeHash: SignInState.digest(deviceCode), clientId: client.id, userCode: userCode, ownerAccountId: instance.ownerAccountId,
            expires: call.time.addingTimeInterval(600), interval: 1, status: "pending")
        try await tx.put(authorization, SignInDocumentKind.deviceAuthorization, authorization.deviceCodeHash)
        return [
            "deviceCode": .string(deviceCode), "userCode": .string(userCode), "verificationUri": .string(base + "/device"),
            "verificationUriComplete": .string(base + "/device?user_code=" + userCode), "expiresIn": .integer(600), "interval": .integer(Int64(authorization.interval)),
        ]
    }

    /// `scheme://host:port` of a URL.
    static func origin(_ url: URL) -> String? {
        guard let scheme = url.scheme, let host = url.host else { return nil }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }

    func createToken(_ call: OperationCall) async throws -> AWSValue {
        let client = try authenticatedClient(call)
        let grant = call.input["grantType"]?.string ?? ""
        guard client.grantTypes.contains(grant) || (grant == "refresh_token" && client.grantTypes.contains(Self.deviceGrant)) else {
            throw Self.grantTypes.contains(grant)
                ? Self.error("UnauthorizedClientException", "The client is not registered for the \(grant) grant.")
                : Self.error("UnsupportedGrantTypeException", "The grant type \(grant) is not supported.")
        }
        let tx = try Self.transaction(call)
        switch grant {
        case Self.deviceGrant:
            return try await deviceToken(call, client: client, tx: tx)
        case "authorization_code":
            return try await authorizationCodeToken(call, client: client, tx: tx)
        case "refresh_token":
            return try await refreshedToken(call, client: client, tx: tx)
        default:
            throw Self.error("UnsupportedGrantTypeException", "The grant type \(grant) is not supported.")
        }
    }

    /// The device code grant: pending until the user approves, then the tokens (once).
    func deviceToken(_ call: OperationCall, client: OIDCClient, tx: DocumentTransaction) async throws -> AWSValue {
        let key = SignInState.digest(call.input["deviceCode"]?.string ?? "")
        guard let authorization = try await tx.get(DeviceAuthorization.self, SignInDocumentKind.deviceAuthorization, key),
            authorization.clientId == client.id
        else { throw Self.error("InvalidGrantException", "The device code is not valid.") }
        guard authorization.expires > call.time else {
            try await tx.delete(SignInDocumentKind.deviceAuthorization, key)
            throw Self.error("ExpiredTokenException", "The device code has expired.")
        }
        switch authorization.status {
        case "approved":
            try await tx.delete(SignInDocumentKind.deviceAuthorization, key)
            lastPolls.withLock { $0[key] = nil }
            guard let userId = authorization.userId else { throw AWSError.internalFailure }
            return try await issueTokens(
                client: client, ownerAccountId: authorization.ownerAccountId, userId: userId, mfaAt: authorization.mfaAt, now: call.time, tx: tx)
        case "denied":
            try await tx.delete(SignInDocumentKind.deviceAuthorization, key)
            throw Self.error("AccessDeniedException", "The user denied the sign-in.")
        default:
            let tooSoon = lastPolls.withLock { polls in
                defer { polls[key] = call.time }
                return polls[key].map { call.time.timeIntervalSince($0) < Double(authorization.interval) } ?? false
            }
            if tooSoon { throw Self.error("SlowDownException", "Poll less often: wait the interval between requests.") }
            throw Self.error("AuthorizationPendingException", "The user has not yet approved the sign-in.")
        }
    }

    /// The authorization code grant with PKCE: the code the `/authorize` page gave, once, to the client it
    /// was for, at the same redirect URI, with the verifier whose S256 challenge the code is bound to. One try:
    /// a failed exchange spends the code.
    func authorizationCodeToken(_ call: OperationCall, client: OIDCClient, tx: DocumentTransaction) async throws -> AWSValue {
        let key = SignInState.digest(call.input["code"]?.string ?? "")
        let spent = spentCodes.withLock { spent in
            spent = spent.filter { $0.value > call.time }
            return spent[key] != nil
        }
        guard !spent, let grant = try await tx.get(AuthorizationCode.self, SignInDocumentKind.authorizationCode, key) else {
            throw Self.error("InvalidGrantException", "The authorization code is not valid, or was used already.")
        }
        let verifier = call.input["codeVerifier"]?.string ?? ""
        let challenge = Directory.codeChallenge(verifier: verifier)
        guard grant.clientId == client.id, grant.expires > call.time, call.input["redirectUri"]?.string == grant.redirectUri,
            (43...128).contains(verifier.utf8.count), ConstantTime.equals(Array(challenge.utf8), Array(grant.codeChallenge.utf8))
        else {
            spentCodes.withLock { $0[key] = grant.expires }
            // This call's transaction is rolled back with its error: the code is deleted in a write of its own, so that it
            // stays spent after a restart too.
            directory.deferredWrite { session in
                try await DocumentTransaction(session: session, accountId: SignInState.accountKey).delete(SignInDocumentKind.authorizationCode, key)
            }
            throw Self.error(
                "InvalidGrantException", "The authorization code is not valid for this client, redirect URI and code verifier, or has expired.")
        }
        try await tx.delete(SignInDocumentKind.authorizationCode, key)
        return try await issueTokens(client: client, ownerAccountId: grant.ownerAccountId, userId: grant.userId, mfaAt: grant.mfaAt, now: call.time, tx: tx)
    }

    /// A new access token from a refresh token, within the portal session.
    func refreshedToken(_ call: OperationCall, client: OIDCClient, tx: DocumentTransaction) async throws -> AWSValue {
        let key = SignInState.digest(call.input["refreshToken"]?.string ?? "")
        guard let refresh = try await tx.get(PortalToken.self, SignInDocumentKind.token, key), refresh.kind == "refresh", refresh.clientId == client.id,
            refresh.sessionExpires > call.time
        else { throw Self.error("InvalidGrantException", "The refresh token is not valid or its session has ended.") }
        let accessToken = "aoa" + Identifiers.secret() + Identifiers.secret()
        let expires = min(call.time.addingTimeInterval(Self.accessTokenLifetime), refresh.sessionExpires)
        var access = refresh
        access.tokenHash = SignInState.digest(accessToken)
        access.kind = "access"
        access.expires = expires
        try await tx.put(access, SignInDocumentKind.token, access.tokenHash)
        return [
            "accessToken": .string(accessToken), "tokenType": "Bearer", "expiresIn": .integer(Int64(expires.timeIntervalSince(call.time))),
            "refreshToken": .string(call.input["refreshToken"]?.string ?? ""),
        ]
    }

    /// An access token and a refresh token for a new portal session of `userId`.
    func issueTokens(client: OIDCClient, ownerAccountId: String, userId: String, mfaAt: Date?, now: Date, tx: DocumentTransaction) async throws -> AWSValue {
        let hours = directory.snapshot.identityCenter[ownerAccountId]?.instance?.signIn.portalSessionHours ?? 8
        let sessionExpires = now.addingTimeInterval(Double(hours) * 3600)
        let expires = min(now.addingTimeInterval(Self.accessTokenLifetime), sessionExpires)
        let accessToken = "aoa" + Identifiers.secret() + Identifiers.secret()
        let refreshToken = "aor" + Identifiers.secret() + Identifiers.secret()
        let sessionId = Identifiers.uuid()
        for (token, kind, until) in [(accessToken, "access", expires), (refreshToken, "refresh", sessionExpires)] {
            let record = PortalToken(
                tokenHash: SignInState.digest(token), kind: kind, clientId: client.id, ownerAccountId: ownerAccountId, userId: userId,
                sessionId: sessionId, expires: until, sessionExpires: sessionExpires, mfaAt: mfaAt)
            try await tx.put(record, SignInDocumentKind.token, record.tokenHash)
        }
        for (key, stale) in directory.snapshot.signIn.tokens where stale.expires < now {
            try await tx.delete(SignInDocumentKind.token, key)
        }
        return [
            "accessToken": .string(accessToken), "tokenType": "Bearer", "expiresIn": .integer(Int64(expires.timeIntervalSince(now))),
            "refreshToken": .string(refreshToken),
        ]
    }

    /// Ends every portal session of a user (when the user is deleted).
    static func endSessions(ofUser userId: String, session: StoreSession) async throws {
        for record in try await session.documents(accountId: SignInState.accountKey, kind: SignInDocumentKind.token.rawValue) {
            if try DocumentCoding.decode(PortalToken.self, record.body).userId == userId {
                try await session.deleteDocument(accountId: SignInState.accountKey, kind: SignInDocumentKind.token.rawValue, key: record.key)
            }
        }
    }
}
