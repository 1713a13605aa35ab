extension StoreSession {
    /// Every identity's failed sign-ins (epoch seconds), as ``setSignInFailures(_:for:)`` left them.
    public func signInFailures() async throws -> [String: [Double]] {
        var all: [String: [Double]] = [:]
        for row in try connection.rows("SELECT key, failures FROM sign_in_failures") {
            all[try row.string("key")] = try row.string("failures").split(separator: " ").compactMap { Double($0) }
        }
        return all
    }

    /// Keeps `key`'s failed sign-ins; none forgets the key.
    public func setSignInFailures(_ failures: [Double], for key: String) async throws {
        if failures.isEmpty {
            try connection.execute("DELETE FROM sign_in_failures WHERE key = ?", key)
        } else {
            try connection.execute(
                "INSERT INTO sign_in_failures (key, failures) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET failures = excluded.failures",
                key, failures.map { String($0) }.joined(separator: " "))
        }
    }
}
