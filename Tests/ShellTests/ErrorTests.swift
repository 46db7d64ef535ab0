import Foundation
import Testing
@testable import Shell

/// Every error names the place it started and says what is wrong in one line.
@Suite struct ErrorTests {
    struct Case: CustomStringConvertible, Sendable {
        let source: String
        let line: Int
        let column: Int
        let message: String
        var description: String { source }
    }

    static let syntax: [Case] = [
        Case(source: "for x in [1, 2] {\n  print x\n", line: 2, column: 10, message: "'}' expected (to close '{' at line 1)"),
        Case(source: "print (1 + 2", line: 1, column: 13, message: "')' expected (to close '(' at column 7)"),
        Case(source: "xs = [1, 2\nprint xs", line: 2, column: 1, message: "']' expected (to close '[' at line 1) near 'print'"),
        Case(source: "x = 1 +* 2", line: 1, column: 8, message: "an expression expected near '*'"),
        Case(source: "x = ", line: 1, column: 4, message: "a value after '=' expected"),
        Case(source: "if x > 1 print x", line: 1, column: 10, message: "'{' (to start the body of 'if') expected near 'print'"),
        Case(source: "for x [1] { }", line: 1, column: 7, message: "'in' (as in: for x in [1, 2, 3] { ... }) expected near '['"),
        Case(source: "x = 1\nelse { c }", line: 2, column: 1, message: "'else' without an 'if' before it (at the prompt, write it on the line of the '}')"),
        Case(source: "print 1 )", line: 1, column: 9, message: "unexpected ')' (no bracket is open)"),
        Case(source: "}", line: 1, column: 1, message: "unexpected '}' (no block is open)"),
        Case(source: "a < b < c", line: 1, column: 7, message: "comparisons do not chain: write a < b and b < c"),
        Case(source: "proc f(a, a) { }", line: 1, column: 11, message: "parameter 'a' appears twice"),
        Case(source: "proc f(a=1, b) { }", line: 1, column: 13, message: "parameter 'b' needs a default value (it follows one that has one)"),
        Case(source: "for in = 3", line: 1, column: 5, message: "'in' is a reserved word and cannot be a loop variable name"),
        Case(source: "print \"{x +}\"", line: 1, column: 12, message: "an expression expected"),
        Case(source: "print \"{x:q}\"", line: 1, column: 7, message: "bad format ':q' (examples: :.3f  :8.2f  :.1%  :.2e  :>10)"),
    ]

    static let runtime: [Case] = [
        Case(source: "print y", line: 1, column: 7, message: "unknown variable 'y'"),
        Case(source: "total = 1\nprint totl", line: 2, column: 7, message: "unknown variable 'totl'; did you mean 'total'?"),
        Case(source: "trian", line: 1, column: 1, message: "unknown command 'trian'; did you mean 'train'?"),
        Case(source: "x = 1\nx 2", line: 2, column: 1, message: "'x' is a number, not a command"),
        Case(source: "x = 1\nx -2", line: 2, column: 1, message: "'x' is a number, not a command (to subtract, put spaces on both sides of '-')"),
        Case(source: "print 1 / 0", line: 1, column: 9, message: "division by zero"),
        Case(source: "print [1, 2][5]", line: 1, column: 13, message: "index 5 is out of range (2 items, first is 0, last is 1)"),
        Case(source: "print 1 + \"a\"", line: 1, column: 9, message: "cannot add a number and a string (to put a value in text write \"...{x}...\")"),
        Case(source: "if 1 { }", line: 1, column: 4, message: "the 'if' condition must be true or false, got a number"),
        Case(source: "for x in 5 { }", line: 1, column: 10, message: "'for' needs a list or a range, got a number"),
        Case(source: "return 1", line: 1, column: 1, message: "'return' outside a procedure"),
        Case(source: "print = 3", line: 1, column: 1, message: "'print' is a command; choose another name for the variable"),
        Case(source: "proc help() { }", line: 1, column: 1, message: "'help' is a built-in command; choose another name"),
        Case(source: "proc f(a) { }\nf 1 2", line: 2, column: 5, message: "too many arguments for 'f' (usage: f a)"),
        Case(source: "proc f(a) { }\nf", line: 2, column: 1, message: "missing argument 'a' for 'f' (usage: f a)"),
        Case(source: "proc f() { return f }\nf", line: 1, column: 19, message: "too many nested procedure calls (more than 200); is 'f' calling itself forever?"),
        Case(source: "x = [1]\nprint x.size", line: 2, column: 8, message: "a list has no field 'size' (it has: count)"),
        Case(source: "x = print 1", line: 1, column: 5, message: "'print' gives no value to assign"),
        Case(source: "print 1 2 sepp=\",\"", line: 1, column: 11, message: "'print' has no option 'sepp'; did you mean 'sep'?"),
        Case(source: "network", line: 1, column: 1, message: "'network' needs its 'inputs' argument (usage: network inputs ...; see help network)"),
        Case(source: "network 0", line: 1, column: 9, message: "inputs: expected a whole number from 1 to 100000000 or a dataset or a record with .train, got 0"),
        Case(source: "network \"a\"", line: 1, column: 9, message: "inputs: expected a whole number from 1 to 100000000 or a dataset or a record with .train, got \"a\""),
        Case(source: "n = network 2\nadd n dense 3 relux", line: 2, column: 15, message: "activation: 'relux' is not one of sigmoid, relu, leaky_relu, tanh, linear, softmax; did you mean 'relu'?"),
        Case(source: "n = network 2\ntrain n n", line: 2, column: 9, message: "data: expected a dataset, got a network"),
        Case(source: "n = network 2\nd = runge n=5\ntrain n d", line: 3, column: 7, message: "the network has no layers yet (add n dense 10 relu)"),
        Case(source: "n = network 2\nadd n dense 1 linear\nd = runge n=5\ntrain n d epochs=1 quiet", line: 4, column: 9, message: "the training data has 1 feature per example but the network takes 2"),
        Case(source: "help trian", line: 1, column: 6, message: "no command or concept 'trian'; did you mean 'train'?"),
        Case(source: "set seed -1", line: 1, column: 10, message: "seed: expected a whole number ≥ 0, got -1"),
        Case(source: "run \"/nonexistent/x.nnsh\"", line: 1, column: 5, message: "no such file: /nonexistent/x.nnsh"),
        Case(source: "mnist \"/nonexistent\"", line: 1, column: 7, message: "/nonexistent: no train-images-idx3-ubyte[.gz] or train-images.idx3-ubyte[.gz] here (Scripts/fetch-mnist.sh fetches MNIST)"),
        Case(source: "s = grid\nheatmap s x=a y=b value=c", line: 2, column: 11, message: "x: no column 'a'; the columns are: "),
    ]

    @Test(arguments: ErrorTests.syntax + ErrorTests.runtime)
    func error(_ c: Case) {
        let r = runShell(c.source, file: "e.nnsh")
        guard let e = r.error else {
            Issue.record("no error for: \(c.source)")
            return
        }
        #expect(e.message == c.message)
        #expect(e.line == c.line, "line of \(e.message)")
        #expect(e.column == c.column, "column of \(e.message)")
        #expect(e.file == "e.nnsh")
        #expect(e.rendered().hasPrefix("e.nnsh:\(e.line):\(e.column): error: \(e.message)"))
    }

    @Test func errorInsideRunNamesTheInnerFile() throws {
        let path = "/tmp/nnsh-error-test-inner.nnsh"
        try "x = 1\nprint nope\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = runShell("run \"\(path)\"", file: "outer.nnsh")
        #expect(r.error?.file == path)
        #expect(r.error?.line == 2)
        #expect(r.error?.sourceLine == "print nope")
    }

    @Test func runDepthIsLimited() throws {
        let path = "/tmp/nnsh-error-test-self.nnsh"
        try "run \"\(path)\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = runShell("run \"\(path)\"")
        #expect(r.error?.message.hasPrefix("'run' nested more than 16 deep") == true)
    }

    @Test func loadOfMissingModelNamesTheFile() {
        let r = runShell("m = load \"/tmp/nnsh-missing-model.nnm\"")
        #expect(r.error?.message.hasPrefix("/tmp/nnsh-missing-model.nnm: cannot open") == true)
        #expect(r.error?.column == 10)
    }

    /// The caret's line as the terminal shows it: each character's cells (CJK take two).
    static func caretCell(_ rendered: String) -> (line: String, caret: Int)? {
        let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count == 3, let caret = lines[2].firstIndex(of: "^") else { return nil }
        return (lines[1], lines[2][..<caret].count)
    }

    /// Cells of `text` before the first `marker`, counting CJK as two (written apart from nnsh's).
    static func cells(before marker: String, in text: String) -> Int {
        guard let r = text.range(of: marker) else { return -1 }
        return text[..<r.lowerBound].unicodeScalars.reduce(0) { $0 + ((0x2E80...0xFFEF).contains($1.value) ? 2 : 1) }
    }

    @Test func aLongLineIsShownAsAnExcerptAroundTheCaret() throws {
        let source = "y = " + String(repeating: "1 + ", count: 400) + "nope + 2"
        for width in [79, 59] {
            let e = try #require(runShell(source).error)
            let rendered = e.rendered(width: width)
            let lines = rendered.split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(rendered)")
            #expect(lines[1].count <= width && lines[2].count <= width, "\(rendered)")
            #expect(lines[1].hasPrefix("…") && lines[1].hasSuffix("2"), "\(lines[1])")
            let (line, caret) = try #require(Self.caretCell(rendered))
            #expect(Array(line)[caret...].starts(with: "nope"), "the caret is under the word: \(rendered)")
        }
    }

    @Test func wideCharactersDoNotShiftTheCaret() throws {
        let e = try #require(runShell("s = \"学习率\" + nope").error)
        let rendered = e.rendered(width: 79)
        let (line, _) = try #require(Self.caretCell(rendered))
        let caretLine = rendered.split(separator: "\n")[2]
        #expect(Self.cells(before: "^", in: String(caretLine)) == Self.cells(before: "nope", in: line), "\(rendered)")
        let long = try #require(runShell("s = \"" + String(repeating: "学", count: 200) + "\" + nope").error).rendered(width: 59)
        let parts = long.split(separator: "\n").map(String.init)
        #expect(Self.cells(before: "^", in: parts[2]) == Self.cells(before: "nope", in: parts[1]), "\(long)")
        #expect(Self.cells(before: "nope", in: parts[1]) + 4 <= 59)
    }

    @Test func aMissingArgumentIsOneLineThatPointsToHelp() throws {
        let e = try #require(runShell("net = network 1\ntrain net").error)
        #expect(e.message == "'train' needs its 'data' argument (usage: train net data ...; see help train)")
        #expect(runShell("sleep").error?.message == "'sleep' needs its 'seconds' argument (usage: sleep seconds)",
                "a short usage is given whole")
    }
}

/// Deep recursion stops with an error before the stack overflows, whatever the thread's stack
/// size: on a thread with a 256 KB stack (a sanitizer build's frames are larger still; found by
/// the shell fuzz target), 200 nested calls would overflow it.
@Suite struct StackRoomTests {
    @Test func recursionOnASmallStackIsAnError() throws {
        final class Box: @unchecked Sendable { var run: ShellRun? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.run = runShell("proc f(n) { return 1 + (f n) }\nf 1")
            done.signal()
        }
        thread.stackSize = 256 << 10
        thread.start()
        done.wait()
        let e = try #require(box.run?.error)
        #expect(e.message.hasPrefix("too many nested procedure calls ("), "\(e.message)")
        #expect(e.message.contains("stack is nearly full"), "the stack, not the count of 200, stopped it")
    }

    @Test func theFloorIsInsideThisThreadsStack() throws {
        let stack = try #require(StackRoom.bounds())
        #expect(StackRoom.here() > stack.floor && StackRoom.here() < stack.top)
        // Another thread's stack is not taken for this one's.
        final class Box: @unchecked Sendable { var other: (floor: UInt, top: UInt)? }
        let box = Box(), done = DispatchSemaphore(value: 0)
        let thread = Thread { box.other = StackRoom.bounds(reusing: stack); done.signal() }
        thread.start()
        done.wait()
        let other = try #require(box.other)
        #expect(other.floor != stack.floor)
        #expect(StackRoom.bounds(reusing: stack)?.floor == stack.floor)
    }
}
