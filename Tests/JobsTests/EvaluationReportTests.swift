import XCTest

@testable import FastBERT
@testable import Jobs

final class EvaluationReportTests: XCTestCase {
    func result(speed: Float, accuracy: Double, exits: [Double], speedup: Double) -> SpeedResult {
        SpeedResult(exit: String(format: "%.2f", speed), speed: speed, accuracy: accuracy, macroF1: accuracy, meanExitLayer: 1, exitShare: exits,
                    flopsPerSample: 1e9 / speedup, flopsSpeedup: speedup, seconds: 1 / speedup, wallClockSpeedup: speedup,
                    samplesPerSecond: 100 * speedup)
    }

    func testTableAndChartRenderEverySpeed() {
        let results = [result(speed: 0, accuracy: 0.9, exits: [0, 0, 0, 1], speedup: 1),
                       result(speed: 0.5, accuracy: 0.88, exits: [0.5, 0.2, 0.1, 0.2], speedup: 2),
                       result(speed: 1, accuracy: 0.7, exits: [1, 0, 0, 0], speedup: 3.5)]
        let report = EvaluationReport(model: "m", modelId: "tiny", data: "d", examples: 30, meanTokens: 10, labels: ["a", "b", "c"],
                                      layers: 4, batchSize: 8, threads: 1, repeats: 1, results: results)
        XCTAssertTrue(report.svg().hasPrefix("<svg"))
        XCTAssertTrue(report.svg().hasSuffix("</svg>"))
        let table = report.table().split(separator: "\n")
        XCTAssertEqual(table.count, 5)
        XCTAssertTrue(table[3].contains(" 50.0  20.0  10.0  20.0"), String(table[3]))
    }
}
