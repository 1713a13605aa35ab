/// Values by key, kept in key order in chunks of at most ``chunkLimit`` entries.
///
/// The snapshot's maps are shared: each request holds its account's ``AccountIAM`` while it runs, so a write to
/// a `Dictionary` of 100,000 users copied all 100,000 whenever a request was in flight. Here a write copies the
/// list of chunks and the one chunk it changes, whatever the size. A lookup is two binary searches (for the
/// chunk, then within it), and entries walk in key order, so listings page without sorting.
public struct SortedMap<Value: Sendable>: Sendable {
    /// A run of entries in key order; every key in a chunk sorts before every key in the next.
    struct Chunk: Sendable {
        var keys: [String]
        var values: [Value]
    }

    /// A chunk splits in two when a write takes it past this many entries.
    static var chunkLimit: Int { 128 }

    private var chunks: [Chunk] = []
    /// How many entries the map holds.
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    /// The value under `key`; setting `nil` removes the entry.
    public subscript(key: String) -> Value? {
        get {
            guard let place = place(of: key), place.found else { return nil }
            return chunks[place.chunk].values[place.index]
        }
        set {
            guard let place = place(of: key) else {
                if let newValue { chunks = [Chunk(keys: [key], values: [newValue])]; count = 1 }
                return
            }
            switch (newValue, place.found) {
            case (let value?, true): chunks[place.chunk].values[place.index] = value
            case (let value?, false): insert(key, value, chunk: place.chunk, at: place.index)
            case (nil, true): remove(chunk: place.chunk, at: place.index)
            case (nil, false): break
            }
        }
    }

    /// Changes the value under `key` in place, starting from `initial` when there is none. Reading, changing and
    /// writing back would copy the value's storage while the map still held it; this moves it out and back.
    public mutating func update(_ key: String, default initial: @autoclosure () -> Value, _ change: (inout Value) -> Void) {
        guard let place = place(of: key), place.found else {
            var value = initial()
            change(&value)
            self[key] = value
            return
        }
        var value = initial()
        swap(&value, &chunks[place.chunk].values[place.index])
        change(&value)
        chunks[place.chunk].values[place.index] = value
    }

    /// The values in key order.
    public var values: some Sequence<Value> { chunks.lazy.flatMap(\.values) }

    /// The entries whose keys sort after `key` (all of them when `key` is `nil`), in key order.
    public func entries(after key: String? = nil) -> Entries {
        guard let key, let place = place(of: key) else { return Entries(chunks: chunks, chunk: 0, index: 0) }
        return Entries(chunks: chunks, chunk: place.chunk, index: place.found ? place.index + 1 : place.index)
    }

    /// A walk over entries in key order from a starting place.
    public struct Entries: Sequence, IteratorProtocol {
        let chunks: [Chunk]
        var chunk: Int
        var index: Int

        public mutating func next() -> (key: String, value: Value)? {
            while chunk < chunks.count {
                if index < chunks[chunk].keys.count {
                    defer { index += 1 }
                    return (chunks[chunk].keys[index], chunks[chunk].values[index])
                }
                chunk += 1
                index = 0
            }
            return nil
        }
    }

    /// Where `key` is, or would be inserted: its chunk (the last whose first key is not after it), its index
    /// there, and whether it is present. `nil` when the map is empty.
    private func place(of key: String) -> (chunk: Int, index: Int, found: Bool)? {
        guard !chunks.isEmpty else { return nil }
        var low = 1
        var high = chunks.count
        while low < high {
            let middle = (low + high) / 2
            if chunks[middle].keys[0] <= key { low = middle + 1 } else { high = middle }
        }
        let chunk = low - 1
        let index = Self.position(of: key, in: chunks[chunk].keys)
        return (chunk, index, index < chunks[chunk].keys.count && chunks[chunk].keys[index] == key)
    }

    /// Where `key` is, or would go, in the sorted `keys`.
    private static func position(of key: String, in keys: [String]) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private mutating func insert(_ key: String, _ value: Value, chunk: Int, at index: Int) {
        chunks[chunk].keys.insert(key, at: index)
        chunks[chunk].values.insert(value, at: index)
        count += 1
        let size = chunks[chunk].keys.count
        guard size > Self.chunkLimit else { return }
        let half = size / 2
        let upper = Chunk(keys: Array(chunks[chunk].keys[half...]), values: Array(chunks[chunk].values[half...]))
        chunks[chunk].keys.removeSubrange(half...)
        chunks[chunk].values.removeSubrange(half...)
        chunks.insert(upper, at: chunk + 1)
    }

    private mutating func remove(chunk: Int, at index: Int) {
        chunks[chunk].keys.remove(at: index)
        chunks[chunk].values.remove(at: index)
        count -= 1
        let size = chunks[chunk].keys.count
        if size == 0 {
            chunks.remove(at: chunk)
        } else if size < Self.chunkLimit / 4 {
            // A thinned chunk joins a neighbour that has room, so that deletions leave at most one small chunk
            // between two full ones.
            if chunk + 1 < chunks.count, size + chunks[chunk + 1].keys.count <= Self.chunkLimit {
                merge(chunk + 1, into: chunk)
            } else if chunk > 0, chunks[chunk - 1].keys.count + size <= Self.chunkLimit {
                merge(chunk, into: chunk - 1)
            }
        }
    }

    /// Appends the chunk at `source` to the one before it, at `target`.
    private mutating func merge(_ source: Int, into target: Int) {
        let moved = chunks.remove(at: source)
        chunks[target].keys += moved.keys
        chunks[target].values += moved.values
    }
}

extension SortedMap {
    /// A page of a listing: up to `limit` items made by `output` from the entries after `key` (`nil` skips an entry),
    /// and the key of the last one when more remain, which the next page starts after.
    func page<Item>(after key: String?, limit: Int, _ output: (_ key: String, _ value: Value) -> Item?) -> (items: [Item], last: String?) {
        var items: [Item] = []
        items.reserveCapacity(Swift.min(limit, count))
        var lastKey: String?
        for (key, value) in entries(after: key) {
            guard let item = output(key, value) else { continue }
            if items.count == limit { return (items, lastKey) }
            items.append(item)
            lastKey = key
        }
        return (items, nil)
    }
}

extension SortedMap where Value == SortedMap<Bool> {
    /// An index of sets: moves `member` from the sets named in `old` to those named in `new` (names in any case),
    /// changing each set in place and dropping a set it empties.
    mutating func move(_ member: String, from old: [String], to new: [String]) {
        guard old != new else { return }
        let left = Set(old.map { $0.lowercased() })
        let joined = Set(new.map { $0.lowercased() })
        for name in left.symmetricDifference(joined) {
            var emptied = false
            update(name, default: SortedMap<Bool>()) { members in
                members[member] = joined.contains(name) ? true : nil
                emptied = members.isEmpty
            }
            if emptied { self[name] = nil }
        }
    }
}
