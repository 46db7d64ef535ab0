import Foundation
import Testing
@testable import Shell

/// `grid` searches, `halving`, and the closed-form `ols`/`ridge`, on small Runge sets.
@Suite struct TuningTests {
    /// A small tanh network on 40 noisy Runge points, in float64 so results repeat exactly.
    static let setup = """
        set precision float64
        r = runge n=40 noise=0.05 seed=4
        net = network 1
        add net dense 6 tanh
        add net dense 1 linear

        """

    @Test func gridHasOneRowPerConfiguration() throws {
        let run = runShell(Self.setup + """
            s = grid net r lr=[0.003, 0.01, 0.03] l2=[0, 1e-4] optimizer=adam epochs=3 batch=8 folds=2 seed=1 quiet
            print s.rows s.columns
            print s.lr
            print s.l2
            ok = true
            for m in s.mse { ok = ok and m > 0 }
            for d in s.mse_std { ok = ok and d >= 0 }
            print ok
            """)
        #expect(run.succeeded, "\(run.error?.rendered() ?? "")")
        #expect(run.output == """
            6 ["lr", "l2", "mse", "mse_std"]
            [0.003, 0.003, 0.01, 0.01, 0.03, 0.03]
            [0, 0.0001, 0, 0.0001, 0, 0.0001]
            true

            """)
    }

    /// The k-fold mean equals the mean of the fold scores got by hand: the same folds
    /// (`folds r 3 seed=9`), the same initial weights (seed 9) and the same shuffling.
    @Test func kFoldMeanIsTheMeanOfTheFoldScores() throws {
        let run = runShell(Self.setup + """
            s = grid net r lr=[0.02, 0.05] epochs=4 batch=8 folds=3 seed=9 quiet
            scores = []
            for part in (folds r 3 seed=9) {
              set seed 9
              n = network 1
              add n dense 6 tanh
              add n dense 1 linear
              train n part.train epochs=4 batch=8 lr=0.05 seed=9 quiet
              scores = scores + [(eval n part.test).mse]
            }
            m = mean scores
            sd = sqrt(((scores[0] - m) ^ 2 + (scores[1] - m) ^ 2 + (scores[2] - m) ^ 2) / 2)
            print abs(s.mse[1] - m) < 1e-12 * m
            print abs(s.mse_std[1] - sd) < 1e-9 * m
            print s.mse[0] != s.mse[1]
            """)
        #expect(run.succeeded, "\(run.error?.rendered() ?? "")")
        #expect(run.output == "true\ntrue\ntrue\n")
    }

    @Test func repeatsAndHoldout() throws {
        let run = runShell(Self.setup + """
            a = grid net r lr=[0.01, 0.03] epochs=2 repeats=3 seed=2 quiet
            b = grid net r lr=[0.01, 0.03] epochs=2 repeats=3 seed=2 quiet
            c = grid net r lr=[0.01, 0.03] epochs=2 holdout=0.25 seed=2 quiet
            print a.columns
            print a.mse == b.mse
            print c.columns
            print a.mse_std[0] > 0
            """)
        #expect(run.succeeded, "\(run.error?.rendered() ?? "")")
        #expect(run.output == """
            ["lr", "mse", "mse_std"]
            true
            ["lr", "mse"]
            true

            """)
    }

    /// 8 configurations, keep half: rounds of 8, 4 and 2 configurations keeping 4, 2 and 1,
    /// trained 2, 4 and 8 epochs in all.
    @Test func halvingKeepsTheRightFraction() throws {
        let run = runShell(Self.setup + """
            h = halving net r lr=[0.001, 0.003, 0.01, 0.03] l2=[0, 1e-3] batch=8 epochs=2 keep=0.5 seed=3 quiet
            for round in [1, 2, 3] {
              n = 0
              kept = 0
              epochs = 0
              for i in 0..<h.rows {
                if h.round[i] == round {
                  n = n + 1
                  epochs = h.epochs[i]
                  if h.kept[i] { kept = kept + 1 }
                }
              }
              print round n kept epochs
            }
            print h.rows
            """)
        #expect(run.succeeded, "\(run.error?.rendered() ?? "")")
        #expect(run.output == "1 8 4 2\n2 4 2 4\n3 2 1 8\n14\n")
    }

    /// On an easy case (learning rates from far too small to right), the winner of halving is
    /// the grid's winner at the final budget (4 configurations: rounds of 5 and 10 epochs).
    @Test func halvingFindsTheGridWinner() throws {
        let run = runShell(Self.setup + """
            g = grid net r lr=[0.0001, 0.001, 0.01, 0.05] epochs=10 batch=8 validate=r seed=5 quiet
            h = halving net r lr=[0.0001, 0.001, 0.01, 0.05] epochs=5 batch=8 validate=r seed=5 quiet
            gw = best g by=mse
            w = 0
            for i in 0..<h.rows { if h.round[i] == 2 and h.kept[i] { w = h.lr[i] } }
            print gw.lr w
            """)
        #expect(run.succeeded, "\(run.error?.rendered() ?? "")")
        #expect(run.output == "0.05 0.05\n")
    }

    /// Ctrl-C during the search: the search returns the configurations finished before it.
    @Test func interruptKeepsFinishedRows() throws {
        let (session, out) = makeSession()
        _ = runShell(Self.setup, in: (session, out))
        var checks = 0
        session.interpreter.isInterrupted = { checks += 1; return checks > 12 }
        let run = runShell("""
            s = grid net r lr=[0.001, 0.002, 0.003, 0.004, 0.005, 0.006] epochs=2 batch=40 seed=1 quiet
            print s.rows > 0 and s.rows < 6
            """, in: (session, out))
        #expect(run.output.contains("grid stopped by Ctrl-C after"))
        #expect(run.output.hasSuffix("true\n"), "\(run.output)")
    }

    @Test(arguments: [
        ("s = grid net r lr=[0.1] epocs=3", "'train' has no option 'epocs'; did you mean 'epochs'?"),
        ("s = grid net r lr=[0.1, -1]", "lr: expected a number from 0 to 1000000, got -1"),
        ("s = grid net r lr=[]", "lr: an empty list gives no configurations"),
        ("s = grid net r seed=1 quiet=true folds=3 validate=r", "give one of folds=, validate= and holdout=, not folds and validate"),
        ("s = grid net r lr=[0.1] epochs=1 score=nope seed=1 quiet", "score: eval gives no number 'nope' here; it gives: count, loss, mse"),
        ("s = grid lr=[0.1]", "a grid search needs a network and data: grid net data lr=..."),
        ("h = halving net r keep=1.5", "keep: expected a number from 0.01 to 0.99, got 1.5"),
    ])
    func errors(_ source: String, _ message: String) throws {
        let run = runShell(Self.setup + source)
        #expect(run.error?.message.hasPrefix(message) == true, "\(run.error?.message ?? "no error")")
    }

    /// `ols` is the fit a one-layer linear network converges to; `ridge` with l2 matches a
    /// network trained with the same l2; both are networks eval and predict accept.
    @Test func closedFormFitsAreNetworks() throws {
        let run = runShell("""
            set precision float64
            p = poly (runge n=50 noise=0.1 seed=2) 2
            fit = ols p
            ridge_fit = ridge p l2=0.01
            lin = network 2
            add lin dense 1 linear
            train lin p epochs=3000 batch=50 optimizer=gd lr=0.5 l2=0.01 shuffle=false quiet
            a = predict ridge_fit [0.3, 0.09]
            b = predict lin [0.3, 0.09]
            print abs(a - b) < 1e-4
            print (eval fit p).mse <= (eval ridge_fit p).mse
            print fit.layers.count fit.parameters
            """)
        #expect(run.succeeded, "\(run.error?.rendered() ?? "")")
        #expect(run.output == "true\ntrue\n1 3\n")
    }
}
