import Plots
import Testing
@testable import Shell

/// The live line of `train` at any width: the epoch and the loss stay; samples/s goes first,
/// then the ETA, half the bar, the batch count, the bar and the metric.
@Suite struct ProgressLineFitTests {
    static let line = ProgressLine(epoch: "epoch 3/100", fraction: 0.6, batch: "24/40", loss: "loss 0.1234",
                                   metric: "accuracy 97.51%", rate: "12,345 samples/s", eta: "ETA 0.42s")

    @Test(arguments: [200, 120, 100, 90, 80, 70, 60, 50, 40, 30, 24, 10])
    func fitsAndKeepsEpochAndLoss(width: Int) {
        let text = Self.line.text(width: width)
        #expect(text.displayWidth <= width, "\(text.displayWidth) > \(width): \(text)")
        if width >= 24 { #expect(text.hasPrefix("epoch 3/100") && text.contains("loss 0.1234"), "\(text)") }
    }

    @Test func fieldsLeaveInOrder() {
        let full = Self.line.text(width: 1000)
        #expect(full == "epoch 3/100 ████████████········ 24/40  loss 0.1234  accuracy 97.51%  12,345 samples/s  ETA 0.42s")
        let order = ["samples/s", "ETA", "████████████", "24/40", "██████", "accuracy"]
        var width = full.displayWidth
        var gone: [String] = []
        while width > 0 {
            let text = Self.line.text(width: width)
            for part in order where !gone.contains(part) && !text.contains(part) { gone.append(part) }
            width -= 1
        }
        #expect(gone == order, "left in the order \(gone)")
    }

    @Test func epochLinesDropDetailsThenWrap() {
        let r = EpochRecordFixture.record
        let full = EpochLine.text(r, label: "epoch 3/10", inAll: 23)
        #expect(full.contains("samples/s") && full.contains("(epoch 23 in all)"))
        let seventy = EpochLine.text(r, label: "epoch 3/10", inAll: 23, width: 70)
        #expect(!seventy.contains("samples/s"))
        let narrow = EpochLine.text(r, label: "epoch 3/10", inAll: 23, width: 40)
        #expect(narrow.split(separator: "\n").allSatisfy { $0.displayWidth <= 40 }, "\(narrow)")
        for figure in ["loss 0.08123", "val_loss 0.09012", "val_accuracy 97.30%"] {
            #expect(narrow.replacingOccurrences(of: "\n  ", with: "  ").contains(figure), "\(figure) kept: \(narrow)")
        }
    }
}

import Engine

enum EpochRecordFixture {
    static let record = EpochRecord(epoch: 23, trainingLoss: 0.08123, trainingMetric: 0.9751, validationLoss: 0.09012,
                                    validationMetric: 0.973, metric: .accuracy, samples: 60000, seconds: 4.86, complete: true)
}
