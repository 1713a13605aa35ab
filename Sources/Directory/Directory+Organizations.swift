extension Directory {
    /// The organization `accountId` belongs to (as management account or member), from the snapshot.
    public func organization(of accountId: String) -> OrganizationState? {
        let organizations = snapshot.organizations
        if let own = organizations[accountId], own.organization != nil { return own }
        return organizations.values.first { $0.members[accountId] != nil }
    }

    /// The accounts that are neither the development account nor made inside its organization (`CreateAccount`):
    /// accounts of their own, made by `gatehouse account create` or sign-up, which a development reset must not erase.
    public func accountsOfTheirOwn(devAccountId: String) -> [String] {
        let snapshot = snapshot
        let members = snapshot.organizations[devAccountId]?.members ?? [:]
        return snapshot.accounts.keys.filter { $0 != devAccountId && members[$0] == nil }.sorted()
    }
}
