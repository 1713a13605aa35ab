import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The sso-oidc and portal calls `gatehouse login` makes, as JSON over HTTP to the start URL's server.
/// Both services are unsigned: the client secret and the bearer token are the credentials.
struct PortalSignInClient {
    /// `scheme://host:port` of the server.
    let endpoint: String

    /// An error answer: AWS's error code (`x-amzn-ErrorType`) and message.
    struct Failure: Error, CustomStringConvertible {
        let code: String
        let message: String
        var description: String { "\(code): \(message)" }
    }

    /// A registered client.
    struct Registration {
        let clientId: String
        let clientSecret: String
        let expiresAt: Date
    }

    /// The tokens of a sign-in.
    struct Tokens {
        let accessToken: String
        let refreshToken: String?
        let expiresAt: Date
    }

    func registerClient(grantTypes: [String], redirectUris: [String] = [], issuerUrl: String? = nil) async throws -> Registration {
        var body: [String: Any] = [
            "clientName": "gatehouse-login", "clientType": "public", "scopes": ["sso:account:access"], "grantTypes": grantTypes,
        ]
        if !redirectUris.isEmpty { body["redirectUris"] = redirectUris }
        if let issuerUrl { body["issuerUrl"] = issuerUrl }
        let answer = try await call(.POST, "/client/register", body: body)
        guard let id = answer["clientId"] as? String, let secret = answer["clientSecret"] as? String,
            let expires = answer["clientSecretExpiresAt"] as? NSNumber
        else { throw Failure(code: "InvalidResponse", message: "RegisterClient answered without a client.") }
        return Registration(clientId: id, clientSecret: secret, expiresAt: Date(timeIntervalSince1970: expires.doubleValue))
    }

    func startDeviceAuthorization(_ client: Registration, startUrl: String) async throws -> [String: Any] {
        try await call(
            .POST, "/device_authorization", body: ["clientId": client.clientId, "clientSecret": client.clientSecret, "startUrl": startUrl])
    }

    func createToken(_ client: Registration, grant: [String: String]) async throws -> Tokens {
        var body: [String: Any] = ["clientId": client.clientId, "clientSecret": client.clientSecret]
        for (name, value) in grant { body[name] = value }
        let answer = try await call(.POST, "/token", body: body)
        guard let access = answer["accessToken"] as? String, let expiresIn = answer["expiresIn"] as? NSNumber else {
            throw Failure(code: "InvalidResponse", message: "CreateToken answered without a token.")
        }
        return Tokens(
            accessToken: access, refreshToken: answer["refreshToken"] as? String, expiresAt: Date().addingTimeInterval(expiresIn.doubleValue))
    }

    /// Every (account ID, role name) the token's user is assigned.
    func assignedRoles(accessToken: String) async throws -> [(account: String, role: String)] {
        var roles: [(String, String)] = []
        for account in try await pages("/assignment/accounts", [:], key: "accountList", accessToken: accessToken) {
            guard let accountId = account["accountId"] as? String else { continue }
            for role in try await pages("/assignment/roles", ["account_id": accountId], key: "roleList", accessToken: accessToken) {
                if let name = role["roleName"] as? String { roles.append((accountId, name)) }
            }
        }
        return roles
    }

    /// All items of a paged portal list.
    func pages(_ path: String, _ query: [String: String], key: String, accessToken: String) async throws -> [[String: Any]] {
        var items: [[String: Any]] = []
        var nextToken: String?
        repeat {
            var parameters = query
            parameters["next_token"] = nextToken
            var components = URLComponents()
            components.queryItems = parameters.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            let answer = try await call(.GET, path + (components.percentEncodedQuery.map { "?" + $0 } ?? ""), body: nil, bearer: accessToken)
            items += answer[key] as? [[String: Any]] ?? []
            nextToken = answer["nextToken"] as? String
        } while nextToken != nil
        return items
    }

    /// One call: the answer's JSON object, or a ``Failure``.
    func call(_ method: HTTPMethod, _ path: String, body: [String: Any]?, bearer: String? = nil) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        if let bearer { request.headers.add(name: "x-amz-sso_bearer_token", value: bearer) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        guard response.status == .ok else {
            let code = response.headers.first(name: "x-amzn-ErrorType").map { String($0.split(separator: ":")[0]) } ?? "HTTP \(response.status.code)"
            throw Failure(code: code, message: json["message"] as? String ?? json["error_description"] as? String ?? "")
        }
        return json
    }
}
