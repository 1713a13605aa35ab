import Synchronization

/// Whether requests are checked: always (the default), or, for suites written against local
/// emulators, not at all (`--permissive`) or not for the next N requests of the development account (`reset-auth`).
final class AccessMode: Sendable {
    /// How many more requests go unchecked; `nil` is "all of them".
    private let unchecked: Mutex<Int?>
    let permissive: Bool
    let devAccountId: String

    init(permissive: Bool, devAccountId: String) {
        self.permissive = permissive
        self.devAccountId = devAccountId
        unchecked = Mutex(permissive ? nil : 0)
    }

    /// Whether this request goes unchecked (and counts it). While every request goes unchecked (`--permissive`),
    /// any does; a counted turn goes only to a request of the development account. `account` names the account of
    /// the request's key (`nil`: a key Gatehouse does not know, which acts in the development account); it is
    /// asked only when a counted turn is left.
    func takeUncheckedTurn(account: () -> String?) -> Bool {
        switch unchecked.withLock({ $0 }) {
        case nil: return true
        case 0?: return false
        default:
            if let owner = account(), owner != devAccountId { return false }
            return unchecked.withLock { remaining in
                guard let count = remaining else { return true }
                guard count > 0 else { return false }
                remaining = count - 1
                return true
            }
        }
    }

    /// Lets the next `count` requests go unchecked and the rest be checked; returns the previous count (`nil`: unlimited).
    func resetAuth(_ count: Int) -> Int? {
        unchecked.withLock { remaining in
            defer { remaining = count }
            return remaining
        }
    }
}
