import Foundation
import XCTest

@testable import FastBERT

final class VectorMathTests: XCTestCase {
    func testExpAndErfMatchLibm() {
        var worstExp: Double = 0, worstErf: Double = 0
        var x: Float = -20
        while x < 20 {
            worstExp = max(worstExp, abs(Double(expScalar(x)) - exp(Double(x))) / exp(Double(x)))
            worstErf = max(worstErf, abs(Double(erfScalar(x)) - erf(Double(x))))
            x += 0.001
        }
        XCTAssertLessThan(worstExp, 5e-7)
        XCTAssertLessThan(worstErf, 5e-7)
    }

    func testGeluTailUsesSameFormula() {
        var values: [Float] = (0..<11).map { Float($0) - 5 }
        let expected = values.map { Double($0) * 0.5 * (1 + erf(Double($0) / 2.0.squareRoot())) }
        values.withUnsafeMutableBufferPointer { geluInPlace($0.baseAddress!, count: 11) }
        for (v, e) in zip(values, expected) { XCTAssertEqual(Double(v), e, accuracy: 1e-6) }
    }
}
