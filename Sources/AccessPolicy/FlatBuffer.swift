/// A fixed array of plain values, owned by a compiled policy and freed with it (``free()``).
/// The decision path reads it through a plain pointer: no reference counting, no bounds check
/// beyond debug builds' assertion. The contents never change after compilation.
struct FlatBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ elements: [Element]) {
        base = .allocate(capacity: Swift.max(elements.count, 1))
        count = elements.count
        _ = UnsafeMutableBufferPointer(start: base, count: count).initialize(from: elements)
    }

    @inline(__always)
    subscript(index: Int) -> Element {
        assert(index >= 0 && index < count)
        return base[index]
    }

    /// `count` elements from `start`, as a buffer.
    @inline(__always)
    func slice(_ start: Int, _ count: Int) -> UnsafeBufferPointer<Element> {
        assert(start >= 0 && start + count <= self.count)
        return UnsafeBufferPointer(start: base + start, count: count)
    }

    func free() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
