import Synchronization

/// Whether requests are checked: always (the default), or, for suites written against local
/// emulators, not at all (`--permissive`) or not for the next N requests (`reset-auth`).
final class AccessMode: Sendable {
    /// How many more requests go unchecked; `nil` is "all of them".
    private let unchecked: Mutex<Int?>
    let permissive: Bool

    init(permissive: Bool) {
        self.permissive = permissive
        unchecked = Mutex(permissive ? nil : 0)
    }

    /// Whether this request goes unchecked (and counts it).
    func takeUncheckedTurn() -> Bool {
        unchecked.withLock { remaining in
            guard let count = remaining else { return true }
            guard count > 0 else { return false }
            remaining = count - 1
            return true
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
