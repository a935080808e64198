import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a record batch with a wrong CRC straight into a (mock) broker with a hand-made
/// Produce v3 request, which no Kafka client would send: librdkafka's mock stores batches as
/// received, so a consumer with `check.crcs=true` then meets a corrupt record at that offset
/// (librdkafka reports `_BAD_MSG` and moves on to the next batch).
enum RawProduce {
    /// Appends one batch of `values` to `topic`/`partition` on the broker at `address`
    /// (`host:port`, the partition's leader); returns the broker's error code (0 = stored).
    static func corruptBatch(address: String, topic: String, partition: Int32, values: [[UInt8]]) throws -> Int16 {
        var records = Bytes()
        for (i, value) in values.enumerated() {
            var record = Bytes()
            record.int8(0)  // attributes
            record.varint(0)  // timestamp delta
            record.varint(Int64(i))  // offset delta
            record.varint(-1)  // null key
            record.varint(Int64(value.count))
            record.raw(value)
            record.varint(0)  // no headers
            records.varint(Int64(record.data.count))
            records.raw(record.data)
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var tail = Bytes()  // everything after the CRC
        tail.int16(0)  // attributes: no compression
        tail.int32(Int32(values.count - 1))  // last offset delta
        tail.int64(now)
        tail.int64(now)
        tail.int64(-1)  // producer id
        tail.int16(-1)  // producer epoch
        tail.int32(-1)  // base sequence
        tail.int32(Int32(values.count))
        tail.raw(records.data)
        var batch = Bytes()
        batch.int64(0)  // base offset (the broker assigns it)
        batch.int32(Int32(4 + 1 + 4 + tail.data.count))  // batch length: from the leader epoch on
        batch.int32(-1)  // partition leader epoch
        batch.int8(2)  // magic
        batch.int32(0x0BAD_C0DE)  // CRC32C: deliberately wrong
        batch.raw(tail.data)

        var request = Bytes()
        request.int16(0)  // ApiKey Produce
        request.int16(3)  // ApiVersion
        request.int32(1)  // correlation id
        request.string("raw-produce")
        request.int16(-1)  // null transactional id
        request.int16(1)  // acks
        request.int32(5000)  // timeout ms
        request.int32(1)  // one topic
        request.string(topic)
        request.int32(1)  // one partition
        request.int32(partition)
        request.int32(Int32(batch.data.count))
        request.raw(batch.data)
        var frame = Bytes()
        frame.int32(Int32(request.data.count))
        frame.raw(request.data)

        let response = try exchange(address: address, frame.data)
        // correlation id, 1 topic (name), 1 partition: index, then the error code.
        var reader = Reader(response)
        _ = try reader.int32()
        _ = try reader.int32()
        _ = try reader.string()
        _ = try reader.int32()
        _ = try reader.int32()
        return try reader.int16()
    }

    private static func exchange(address: String, _ frame: [UInt8]) throws -> [UInt8] {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw HarnessError("bad address \(address)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        inet_pton(AF_INET, String(parts[0]), &addr.sin_addr)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect to \(address) failed") }
        var sent = 0
        while sent < frame.count {
            let n = frame[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw HarnessError("send failed") }
            sent += n
        }
        func receive(_ count: Int) throws -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: count)
            var got = 0
            while got < count {
                let n = buffer[got...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { throw HarnessError("connection closed") }
                got += n
            }
            return buffer
        }
        let size = try receive(4).reduce(0) { $0 << 8 | Int($1) }
        return try receive(size)
    }

    private struct Bytes {
        var data: [UInt8] = []
        mutating func raw(_ bytes: [UInt8]) { data += bytes }
        mutating func int8(_ v: Int8) { data.append(UInt8(bitPattern: v)) }
        mutating func int16(_ v: Int16) { withUnsafeBytes(of: v.bigEndian) { data += $0 } }
        mutating func int32(_ v: Int32) { withUnsafeBytes(of: v.bigEndian) { data += $0 } }
        mutating func int64(_ v: Int64) { withUnsafeBytes(of: v.bigEndian) { data += $0 } }
        mutating func string(_ s: String) {
            int16(Int16(s.utf8.count))
            raw(Array(s.utf8))
        }
        /// Zigzag varint, as record fields use.
        mutating func varint(_ v: Int64) {
            var u = UInt64(bitPattern: (v << 1) ^ (v >> 63))
            while u >= 0x80 {
                data.append(UInt8(u & 0x7F) | 0x80)
                u >>= 7
            }
            data.append(UInt8(u))
        }
    }

    private struct Reader {
        let data: [UInt8]
        var index = 0
        init(_ data: [UInt8]) { self.data = data }
        mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard index + n <= data.count else { throw HarnessError("short response") }
            defer { index += n }
            return data[index..<index + n]
        }
        mutating func int16() throws -> Int16 { Int16(bitPattern: try take(2).reduce(0) { $0 << 8 | UInt16($1) }) }
        mutating func int32() throws -> Int32 { Int32(bitPattern: try take(4).reduce(0) { $0 << 8 | UInt32($1) }) }
        mutating func string() throws -> String {
            let n = Int(try int16())
            return String(decoding: try take(max(0, n)), as: UTF8.self)
        }
    }
}
