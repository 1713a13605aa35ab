/// What the request path reads: accounts and credentials, in memory.
///
/// Kept current from the store's change feed by ``Directory/refresh()``; never read
/// from the database on the request path.
public struct DirectorySnapshot: Sendable {
    public var accounts: [String: Account] = [:]
    public var credentials: [String: Credential] = [:]
    /// Each account's IAM entities, by account ID.
    public var iam: [String: AccountIAM] = [:]
    /// The change-feed revision this snapshot reflects.
    public var revision: Int64 = 0
}
