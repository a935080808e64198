import Foundation
import XCTest

/// SASL and TLS settings reach librdkafka, and a broker that cannot be reached over TLS ends
/// serve with a clear error instead of a hang. (The mock cluster cannot terminate TLS, so a
/// successful handshake is not tested here.)
final class TLSSettingsTests: XCTestCase {
    func serve(_ brokers: String, _ kafka: [String]) async throws -> (status: Int32?, stderr: String) {
        let child = try ChildProcess(["serve", "--brokers", brokers, "--input-topic", "in", "--output-topic", "out",
                                      "--model", TestModel.directory] + kafka.flatMap { ["--kafka", $0] })
        let status = await child.wait(timeout: .seconds(90))
        return (status, child.stderr)
    }

    func testAMissingCertificateFileIsNamed() async throws {
        let result = try await serve("127.0.0.1:1", ["security.protocol=SSL", "ssl.ca.location=/nonexistent/ca.pem"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("ssl.ca.location failed"), result.stderr)
    }

    /// A listener that accepts connections and never answers the TLS handshake.
    func testASilentTLSBrokerGivesAnErrorNotAHang() async throws {
        let listener = try SilentListener()
        let password = "pw-\(UUID().uuidString.prefix(8))"
        let result = try await serve("127.0.0.1:\(listener.port)", [
            "security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-512", "sasl.username=fastbert", "sasl.password=\(password)",
            "socket.connection.setup.timeout.ms=3000",
        ])
        XCTAssertNotNil(result.status, "serve still running after 90 s")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("cannot check the input topic 'in'"), result.stderr)
        XCTAssertFalse(result.stderr.contains(password), "the SASL password is never printed")
    }
}

/// A TCP socket on 127.0.0.1 that listens (the kernel completes handshakes) but never reads or writes.
final class SilentListener {
    let port: Int
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw HarnessError("cannot listen: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}
