/// Greedy longest-match-first split of one word into vocabulary pieces (HF's `WordPiece` model).
struct WordPieceModel: Sendable {
    let vocabulary: Vocabulary
    let continuingSubwordPrefix: [UInt8]
    let unknownID: Int32
    let maxInputCharsPerWord: Int

    /// Appends the ids of `word`'s pieces, or the unknown id alone when some part of the word
    /// matches no piece or the word is too long. `scalarStarts` holds the byte offset of each scalar.
    func appendPieces(of word: UnsafeBufferPointer<UInt8>, scalarStarts: [Int], to ids: inout [Int32]) {
        let scalarCount = scalarStarts.count
        guard scalarCount <= maxInputCharsPerWord else {
            ids.append(unknownID)
            return
        }
        let firstPieceIndex = ids.count
        continuingSubwordPrefix.withUnsafeBufferPointer { prefix in
            let noPrefix = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
            var start = 0
            while start < scalarCount {
                var end = scalarCount
                var match: Int32?
                while end > start {
                    let byteEnd = end == scalarCount ? word.count : scalarStarts[end]
                    let piece = UnsafeBufferPointer(rebasing: word[scalarStarts[start]..<byteEnd])
                    match = vocabulary.id(prefix: start > 0 ? prefix : noPrefix, piece: piece)
                    if match != nil { break }
                    end -= 1
                }
                guard let match else {
                    ids.removeSubrange(firstPieceIndex...)
                    ids.append(unknownID)
                    return
                }
                ids.append(match)
                start = end
            }
        }
    }
}
