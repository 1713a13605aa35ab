import Synchronization

/// Condition keys as small integers, so that a decision finds a key's values by comparing
/// integers instead of hashing strings.
///
/// Compiling a policy registers the keys it names (lower-cased); a request context only looks
/// keys up, so requests cannot grow the table. The global keys are registered first. Past
/// ``capacity`` a key gets no slot and is looked up by name instead.
enum ContextKeySlots {
    static let capacity = 1 << 16

    private static let table = Mutex<[String: Int32]>(
        Dictionary(uniqueKeysWithValues: globalKeys.enumerated().map { ($0.element, Int32($0.offset)) }))

    /// AWS's global condition keys, lower-cased.
    static let globalKeys = [
        "aws:username", "aws:userid", "aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:sourceip",
        "aws:currenttime", "aws:epochtime", "aws:securetransport", "aws:requestedregion", "aws:viaawsservice",
        "aws:tokenissuetime", "aws:multifactorauthpresent", "aws:multifactorauthage", "aws:sourceidentity", "aws:tagkeys",
    ]

    /// The slot of a lower-cased key, registering it if there is room (compilation).
    static func register(_ key: String) -> Int32? {
        table.withLock { table in
            if let slot = table[key] { return slot }
            guard table.count < capacity else { return nil }
            let slot = Int32(table.count)
            table[key] = slot
            return slot
        }
    }

    /// The slot of a lower-cased key, if a policy has named it (requests).
    static func slot(_ key: String) -> Int32? {
        table.withLock { $0[key] }
    }
}

/// Numbers for the conditions and resource patterns policies share, so that a decision evaluates
/// each distinct one once, however many policies repeat it (``PreparedRequest/remember(_:_:)``).
///
/// An expression's number comes from its full text (operator, key, values; or the ARN pattern),
/// never from a hash alone. Past ``capacity`` expressions get 0: evaluated every time.
enum SharedExpressions {
    static let capacity = 1 << 20

    private static let table = Mutex<[String: UInt32]>([:])

    static func number(_ signature: String) -> UInt32 {
        table.withLock { table in
            if let number = table[signature] { return number }
            guard table.count < capacity else { return 0 }
            let number = UInt32(table.count + 1)
            table[signature] = number
            return number
        }
    }
}
