import XCTest

@testable import FastBERT
@testable import Jobs

final class ProgressBarTests: XCTestCase {
    func testRenderingWithBar() {
        let line = ProgressBar.render(title: "replay", done: 50, total: 200, elapsed: 10, detail: "5 msg/s", bar: 8)
        XCTAssertEqual(line, "replay ██······  25.0% 50/200 ETA 0:30  5 msg/s")
    }

    func testPlainLineWhenFinished() {
        let line = ProgressBar.render(title: "train", done: 3, total: 3, elapsed: 3725, detail: "", bar: nil)
        XCTAssertEqual(line, "train 100.0% 3/3 in 1:02:05  ")
    }

    func testEtaBeforeAnyProgressIsZero() {
        XCTAssertTrue(ProgressBar.render(title: "t", done: 0, total: 10, elapsed: 5, detail: "", bar: nil).contains("ETA 0:00"))
    }
}
