import Testing
@testable import Shell

@Suite struct SmokeTests {
    @Test func basics() {
        let r = runShell("""
            x = 2
            print x * 3 "a{x:.2f}b"
            xs = [1, 2, 3]
            print xs xs[-1] xs.count
            for i in 0..<3 { print i }
            proc f(a, b=10) { return a + b }
            print (f 1) f(2, b=3)
            x
            if x > 1 { print "big" } else { print "small" }
            print -1 x -1 x - 1
            """)
        #expect(r.error == nil, "\(r.error?.rendered() ?? "")")
        #expect(r.output == "6 a2.00b\n[1, 2, 3] 3 3\n0\n1\n2\n11 5\n2\nbig\n-1 2 -1 1\n")
    }
}
