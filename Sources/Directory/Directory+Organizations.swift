extension Directory {
    /// The organization `accountId` belongs to (as management account or member), from the snapshot.
    public func organization(of accountId: String) -> OrganizationState? {
        let organizations = snapshot.organizations
        if let own = organizations[accountId], own.organization != nil { return own }
        return organizations.values.first { $0.members[accountId] != nil }
    }
}
