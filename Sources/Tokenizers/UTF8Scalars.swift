/// The scalars of a buffer of valid UTF-8 (a slice of a Swift string), decoded without copying.
struct UTF8Scalars: Sequence {
    let bytes: UnsafeBufferPointer<UInt8>

    struct Iterator: IteratorProtocol {
        var bytes: UnsafeBufferPointer<UInt8>.Iterator
        var decoder = UTF8()

        mutating func next() -> Unicode.Scalar? {
            if case .scalarValue(let scalar) = decoder.decode(&bytes) { scalar } else { nil }
        }
    }

    func makeIterator() -> Iterator {
        Iterator(bytes: bytes.makeIterator())
    }
}
