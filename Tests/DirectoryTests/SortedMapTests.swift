@testable import Directory
import PropertyBased
import Testing

/// The snapshot's sorted map against a `Dictionary` doing the same writes.
struct SortedMapTests {
    /// Listings page through the map: each page starts after the last key of the one before, skipped entries
    /// do not count, and the last page says nothing remains.
    @Test func pagesWalkEveryKeptEntryOnce() {
        var map = SortedMap<Int>()
        for n in 0..<300 { map["k\(String(n + 1000))"] = n }
        var seen: [Int] = []
        var after: String?
        var pages = 0
        repeat {
            let (items, last) = map.page(after: after, limit: 7) { _, value in value % 3 == 0 ? nil : value }
            #expect(items.count == 7 || last == nil)
            seen += items
            after = last
            pages += 1
        } while after != nil
        #expect(seen == (0..<300).filter { $0 % 3 != 0 })
        #expect(pages == 29)
        #expect(map.page(after: "k1299", limit: 5) { _, value in value }.items.isEmpty)
        #expect(map.page(after: nil, limit: 300) { _, value in value }.last == nil)
    }

    /// Random writes and removals over a few hundred keys, so chunks split, empty and merge: after every step
    /// the map holds what the dictionary holds, in key order, and walks from any key as a sorted list would.
    @Test func agreesWithADictionary() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var random = Xorshift(seed: UInt64(seed) | 1)
            var map = SortedMap<Int>()
            var model: [String: Int] = [:]
            let keys = (0..<(50 + random.next(400))).map { "user-\($0)" }
            for step in 0..<(200 + random.next(1500)) {
                let key = keys[random.next(keys.count)]
                if random.next(3) == 0 {
                    map[key] = nil
                    model[key] = nil
                } else {
                    map[key] = step
                    model[key] = step
                }
                #expect(map[key] == model[key])
            }
            if random.next(2) == 0 {
                // Remove nearly everything, in random order, so that thinned chunks merge with their neighbours.
                for key in keys.shuffled(using: &random) where random.next(10) != 0 {
                    map[key] = nil
                    model[key] = nil
                    #expect(map[key] == nil)
                }
            }
            let sorted = model.sorted { $0.key < $1.key }
            #expect(map.count == model.count)
            #expect(Array(map.values) == sorted.map(\.value))
            #expect(map.entries().map(\.key) == sorted.map(\.key))
            for key in keys + ["", "user-", "zzz"] {
                #expect(map[key] == model[key])
                #expect(map.entries(after: key).map(\.key) == sorted.map(\.key).filter { $0 > key })
            }
        }
    }

    /// Changing a value in place starts from the default when there is none, and leaves other keys alone.
    @Test func updateChangesInPlace() {
        var map = SortedMap<[Int]>()
        for n in 0..<300 { map.update("k\(n % 100)", default: []) { $0.append(n) } }
        #expect(map.count == 100)
        #expect(map["k7"] == [7, 107, 207])
        let held = map
        map.update("k7", default: []) { $0.removeAll() }
        #expect(map["k7"] == [] && held["k7"] == [7, 107, 207])
    }

    /// A copy taken before writes (a request holding its account) keeps what it saw.
    @Test func aCopyKeepsWhatItSaw() {
        var map = SortedMap<String>()
        for n in 0..<1000 { map["k\(n)"] = "v\(n)" }
        let held = map
        for n in 0..<1000 where n % 3 == 0 { map["k\(n)"] = nil }
        map["k5"] = "changed"
        map["new"] = "added"
        #expect(held.count == 1000)
        #expect(held["k0"] == "v0" && held["k5"] == "v5" && held["new"] == nil)
        #expect(map.count == 1000 - 334 + 1)
        #expect(map["k0"] == nil && map["k5"] == "changed" && map["new"] == "added")
    }
}

/// A small deterministic generator (xorshift64), so a failing seed reproduces.
private struct Xorshift: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    mutating func next(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
