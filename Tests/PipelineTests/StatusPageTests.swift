import Foundation
import Kafka
@testable import Pipeline
import XCTest

/// The status page at `/`, rendered by a real headless browser while serve classifies a stream
/// on a mock cluster; the numbers it shows are checked against /metrics. Saves a screenshot to
/// $FASTBERT_STATUS_SCREENSHOT when set (scripts/status-page-screenshot sets it to
/// docs/images/status-page.png), else to a temporary file.
final class StatusPageTests: XCTestCase {
    func testStatusPageShowsWhatMetricsSay() async throws {
        let browser = try HeadlessBrowser.require()
        let partitions = 3, first = 300
        let cluster = try KafkaTestSupport.clusterWithInput(brokers: 1, partitions: Int32(partitions), count: first)
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "status-page", metrics: true)
        serve.start()
        // The lag monitor samples every 500 ms here; the page can only list partitions it has sampled.
        try await serve.waitUntil("classifying, lag sampled on every partition") {
            (serve.metric("fastbert_messages_out_total") ?? 0) > 0
                && (0..<partitions).allSatisfy { serve.metric(#"fastbert_consumer_lag{topic="in",partition="\#($0)"}"#) != nil }
        }
        let port = try XCTUnwrap(serve.metricsPort.all.first)
        let url = "http://127.0.0.1:\(port)/"
        let model = try TestModel.loaded()

        // While a stream flows: a producer keeps adding records during the page load.
        let produced = Locked(first)
        let producer = Task.detached {
            for round in 0..<40 where !Task.isCancelled {
                let start = first + round * 25
                try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in",
                                             texts: (start..<(start + 25)).map(TestModel.sentence))
                produced.set(start + 25)
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let before = try await ScrapedMetrics.scrape(port: port)
        let flowing = RenderedPage(dom: try browser.dumpDOM(url))
        let screenshot = ProcessInfo.processInfo.environment["FASTBERT_STATUS_SCREENSHOT"]
            ?? NSTemporaryDirectory() + "fastbert-status-\(UUID().uuidString).png"
        try browser.screenshot(url, to: screenshot)
        let after = try await ScrapedMetrics.scrape(port: port)

        XCTAssertEqual(flowing.text("model"), model.modelId)
        XCTAssertEqual(flowing.text("state"), "ready")
        XCTAssertGreaterThanOrEqual(flowing.number("polls") ?? 0, 2, "the page refreshed itself")
        XCTAssertEqual(flowing.text("speed"), String(format: "%.2f", after["fastbert_speed"] ?? -1))
        let out = try XCTUnwrap(flowing.number("messages-out"), flowing.dom)
        XCTAssertTrue((before["fastbert_messages_out_total"]!...after["fastbert_messages_out_total"]!).contains(out))
        XCTAssertNotNil(flowing.number("throughput"), "a rate once two polls are in")
        for layer in 1...model.numLayers {
            let exits = try XCTUnwrap(flowing.number("exits-\(layer)"), "layer \(layer) in the chart")
            let series = #"fastbert_exits_total{layer="\#(layer)"}"#
            XCTAssertTrue((before[series]!...after[series]!).contains(exits), "layer \(layer): \(exits)")
        }
        for p in 0..<partitions { XCTAssertNotNil(flowing.number("lag-in-\(p)"), "partition \(p) in the lag table") }
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG at \(screenshot)")

        // Once the stream is drained the numbers hold still and must match /metrics exactly.
        try await producer.value
        let total = produced.current
        try await serve.waitUntil("drained") {
            serve.metric("fastbert_messages_out_total") == Double(total)
                && (0..<partitions).allSatisfy { serve.metric(#"fastbert_consumer_lag{topic="in",partition="\#($0)"}"#) == 0 }
        }
        let idle = RenderedPage(dom: try browser.dumpDOM(url))
        let metrics = try await ScrapedMetrics.scrape(port: port)
        XCTAssertEqual(idle.number("messages-out"), metrics["fastbert_messages_out_total"])
        XCTAssertEqual(idle.number("messages-in"), metrics["fastbert_messages_in_total"])
        XCTAssertEqual(idle.number("throughput"), 0, "nothing new between the last polls")
        var exitSum = 0.0
        for layer in 1...model.numLayers {
            let exits = metrics[#"fastbert_exits_total{layer="\#(layer)"}"#] ?? -1
            XCTAssertEqual(idle.number("exits-\(layer)"), exits, "layer \(layer)")
            exitSum += exits
        }
        let depth = try XCTUnwrap(metrics["fastbert_exit_layers_total"]) / exitSum
        XCTAssertEqual(idle.text("mean-depth"), String(format: "%.2f", depth))
        let e2e = 1000 * metrics["fastbert_end_to_end_seconds_sum"]! / metrics["fastbert_end_to_end_seconds_count"]!
        XCTAssertEqual(idle.text("latency-e2e"), String(format: "%.1f", e2e))
        for p in 0..<partitions {
            XCTAssertEqual(idle.number("lag-in-\(p)"), metrics[#"fastbert_consumer_lag{topic="in",partition="\#(p)"}"#])
        }
        XCTAssertEqual(idle.number("lag-total"), 0)
        try await serve.stop()
    }

    /// Loaded from a file, the page cannot fetch /metrics: it must say so instead of showing numbers.
    func testStatusPageSaysUnreachableWhenMetricsCannotBeFetched() throws {
        let browser = try HeadlessBrowser.require()
        let file = NSTemporaryDirectory() + "fastbert-status-\(UUID().uuidString).html"
        try StatusPage.html.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let page = RenderedPage(dom: try browser.dumpDOM("file://" + file, virtualMilliseconds: 3000))
        XCTAssertEqual(page.text("state"), "unreachable")
        XCTAssertEqual(page.text("messages-out"), "-")
        XCTAssertEqual(page.text("polls"), "0")
    }

    func testStatusPageHasNoExternalAssets() {
        let html = StatusPage.html
        for reference in ["src=\"http", "href=\"http", "url(http", "@import", "<link"] {
            XCTAssertFalse(html.contains(reference), "the page must work offline: \(reference)")
        }
    }
}
