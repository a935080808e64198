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

    func testTanhMatchesLibm() {
        var worstAbsolute: Double = 0, worstRelative: Double = 0
        var x: Float = -20
        while x < 20 {
            let error = abs(Double(tanhScalar(x)) - tanh(Double(x)))
            worstAbsolute = max(worstAbsolute, error)
            if x != 0 { worstRelative = max(worstRelative, error / abs(tanh(Double(x)))) }
            x += 0.0007
        }
        XCTAssertLessThan(worstAbsolute, 3e-7)
        XCTAssertLessThan(worstRelative, 1e-6)
        XCTAssertEqual(tanhScalar(0), 0)
        XCTAssertEqual(tanhScalar(-1e-30), -1e-30)
        XCTAssertEqual(tanhScalar(.infinity), 1)
        XCTAssertEqual(tanhScalar(-.infinity), -1)
    }

    func testVectorAndScalarTanhAgree() {
        var values: [Float] = (0..<21).map { Float($0) * 0.37 - 3.7 }
        let expected = values.map { tanh(Double($0)) }
        values.withUnsafeMutableBufferPointer { tanhInPlace($0.baseAddress!, count: 21) }
        for (v, e) in zip(values, expected) { XCTAssertEqual(Double(v), e, accuracy: 3e-7) }
    }

    func testGeluTailUsesSameFormula() {
        var values: [Float] = (0..<11).map { Float($0) - 5 }
        let expected = values.map { Double($0) * 0.5 * (1 + erf(Double($0) / 2.0.squareRoot())) }
        values.withUnsafeMutableBufferPointer { geluInPlace($0.baseAddress!, count: 11) }
        for (v, e) in zip(values, expected) { XCTAssertEqual(Double(v), e, accuracy: 1e-6) }
    }
}
