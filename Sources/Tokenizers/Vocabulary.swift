/// Token ↔ id table keyed by exact UTF-8 bytes.
///
/// Not a `[String: Int32]`: Swift compares strings by canonical equivalence, so "é" and "e\u{301}"
/// would collide, while HF treats them as distinct tokens. Bytes also let lookups run on slices of
/// a scratch buffer without allocating a String per candidate piece.
struct Vocabulary: Sendable {
    /// Token text by id; nil for ids nothing maps to.
    private let tokens: [String?]
    /// All entries' UTF-8 bytes back to back; entry `i` spans `starts[i]..<starts[i + 1]`.
    private let bytes: [UInt8]
    private let starts: [Int32]
    private let ids: [Int32]
    /// Open-addressing hash table: high half a hash tag, low half entry index + 1 (0 when empty).
    /// The tag lets most probes of other entries skip the cache miss of reading their bytes.
    private let slots: [UInt64]
    private let mask: Int

    /// Later entries win when two share the same text, like HF's vocab.txt and JSON loaders.
    /// Ids must be non-negative and the bytes of all entries under 2 GiB.
    init(entries: [(token: String, id: Int32)]) {
        var tokens = [String?](repeating: nil, count: Int(entries.lazy.map(\.id).max() ?? -1) + 1)
        var bytes: [UInt8] = []
        var starts: [Int32] = [0]
        starts.reserveCapacity(entries.count + 1)
        for entry in entries {
            tokens[Int(entry.id)] = entry.token
            bytes.append(contentsOf: entry.token.utf8)
            starts.append(Int32(bytes.count))
        }
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        var slots = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        bytes.withUnsafeBufferPointer { storage in
            func key(_ entry: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: storage[Int(starts[entry])..<Int(starts[entry + 1])])
            }
            for index in entries.indices {
                let hash = Vocabulary.hash(UnsafeBufferPointer(start: nil, count: 0), key(index))
                var slot = Int(truncatingIfNeeded: hash) & mask
                while slots[slot] != 0 {
                    if key(Int(slots[slot] & 0xFFFF_FFFF) - 1).elementsEqual(key(index)) { break }
                    slot = (slot + 1) & mask
                }
                slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
            }
        }
        self.tokens = tokens
        self.bytes = bytes
        self.starts = starts
        self.ids = entries.map(\.id)
        self.slots = slots
        self.mask = mask
    }

    /// One past the highest id.
    var count: Int { tokens.count }

    func token(for id: Int32) -> String? {
        tokens.indices.contains(Int(id)) ? tokens[Int(id)] : nil
    }

    func id(of token: String) -> Int32? {
        var token = token
        return token.withUTF8 { id(prefix: UnsafeBufferPointer(start: nil, count: 0), piece: $0) }
    }

    /// Id of the token spelled `prefix` followed by `piece`.
    func id(prefix: UnsafeBufferPointer<UInt8>, piece: UnsafeBufferPointer<UInt8>) -> Int32? {
        let length = prefix.count + piece.count
        let hash = Vocabulary.hash(prefix, piece)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        return bytes.withUnsafeBufferPointer { storage in
            while true {
                let content = slots[slot]
                if content == 0 { return nil }
                if content & 0xFFFF_FFFF_0000_0000 == tag {
                    let entry = Int(content & 0xFFFF_FFFF) - 1
                    let start = Int(starts[entry])
                    if Int(starts[entry + 1]) - start == length,
                       storage[start..<start + prefix.count].elementsEqual(prefix),
                       storage[start + prefix.count..<start + length].elementsEqual(piece) {
                        return ids[entry]
                    }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// FNV-1a over the concatenation of the two buffers, high bits folded into the low ones
    /// (which pick the slot) and low bits into the high ones (the tag).
    private static func hash(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in first { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        for byte in second { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash ^ (hash >> 29) ^ (hash << 32)
    }
}
