import Jobs
import XCTest

final class TrainingScheduleTests: XCTestCase {
    func testThousandsOfExamplesPerLabelGetThePapersRecipe() {
        XCTAssertEqual(TrainingSchedule.settings(examples: 65_000, labels: 2), TrainingSchedule.paper)
        XCTAssertEqual(TrainingSchedule.settings(examples: 118_000, labels: 4), TrainingSchedule.paper)
    }

    func testAHundredExamplesPerLabelGetMoreSmallerStepsAtAHigherRate() {
        let chosen = TrainingSchedule.settings(examples: 9_000, labels: 77)
        XCTAssertEqual(chosen.epochs, 12)
        XCTAssertEqual(chosen.learningRate, 5e-5)
        XCTAssertEqual(chosen.batchSize, 16)
        XCTAssertEqual(chosen.warmup, 0.3 / 12, accuracy: 1e-6, "a third of an epoch, not a tenth of all steps")
        XCTAssertEqual(TrainingSchedule.settings(examples: 200, labels: 150).epochs, TrainingSchedule.maximumEpochs)
    }

    func testGivenSettingsWinAndTheWarmupFollowsGivenEpochs() {
        let given = TrainingSchedule.Given(epochs: 20, learningRate: 1e-4)
        let chosen = TrainingSchedule.settings(examples: 9_000, labels: 77, given: given)
        XCTAssertEqual(chosen.epochs, 20)
        XCTAssertEqual(chosen.learningRate, 1e-4)
        XCTAssertEqual(chosen.batchSize, 16)
        XCTAssertEqual(chosen.warmup, 0.3 / 20, accuracy: 1e-6)
        XCTAssertEqual(TrainingSchedule.settings(examples: 9_000, labels: 77, given: .init(batchSize: 64, warmup: 0.2)).warmup, 0.2)
        XCTAssertEqual(TrainingSchedule.settings(examples: 65_000, labels: 2, given: .init(epochs: 1)).warmup, 0.1)
    }
}
