/// A growable scratch array that keeps its capacity, so steady-state loops do not allocate.
/// Not thread-safe: one owner at a time.
public final class Buffer {
    public private(set) var pointer: UnsafeMutablePointer<Float>
    public private(set) var capacity: Int

    public init(capacity: Int = 0) {
        self.capacity = max(capacity, 16)
        self.pointer = .allocate(capacity: self.capacity)
        self.pointer.initialize(repeating: 0, count: self.capacity)
    }

    deinit { pointer.deallocate() }

    /// Returns a pointer to at least `count` floats; old contents are kept when growing.
    @discardableResult
    public func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            let newCapacity = max(count, capacity * 3 / 2)
            let grown = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity)
            grown.initialize(repeating: 0, count: newCapacity)
            grown.update(from: pointer, count: capacity)
            pointer.deallocate()
            pointer = grown
            capacity = newCapacity
        }
        return pointer
    }
}
