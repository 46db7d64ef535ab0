import Testing
@testable import nnsh

/// The Tab key's decision, independent of the terminal.
@Suite struct CompletionTests {
    @Test func uniqueCandidateCompletesWithASpace() {
        #expect(CompletionAction(textBeforeCursor: "tra", candidates: ["train"]) == .insert("in "))
        #expect(CompletionAction(textBeforeCursor: "eval ne", candidates: ["net"]) == .insert("t "))
    }

    @Test func optionsAndDirectoriesWaitForMoreTyping() {
        #expect(CompletionAction(textBeforeCursor: "train n d l", candidates: ["lr="]) == .insert("r="))
        #expect(CompletionAction(textBeforeCursor: #"load "Mo"#, candidates: ["Models/"]) == .insert("dels/"))
    }

    @Test func aFileNameInAStringClosesTheString() {
        #expect(CompletionAction(textBeforeCursor: #"load "Models/mn"#, candidates: ["Models/mnist.nnm"])
                == .insert(#"ist.nnm" "#))
    }

    @Test func ambiguousCandidatesCompleteTheCommonPrefixThenList() {
        #expect(CompletionAction(textBeforeCursor: "t", candidates: ["train", "trace"]) == .insert("ra"))
        #expect(CompletionAction(textBeforeCursor: "tra", candidates: ["train", "trace"])
                == .list(["trace", "train"]))
    }

    @Test func emptyWordListsEverything() {
        #expect(CompletionAction(textBeforeCursor: "eval ", candidates: ["net", "data"]) == .list(["data", "net"]))
    }

    @Test func noCandidatesDoesNothingAndDuplicatesCountOnce() {
        #expect(CompletionAction(textBeforeCursor: "zz", candidates: []) == .nothing)
        #expect(CompletionAction(textBeforeCursor: "pr", candidates: ["print", "print"]) == .insert("int "))
    }

    @Test func typedPartIsTheLongestSuffixStartingEveryCandidate() {
        #expect(CompletionAction.typedPart(of: "x = Data/mn", startingAll: ["Data/mnist/"]) == "Data/mn")
        #expect(CompletionAction.typedPart(of: "x = ", startingAll: ["net"]) == "")
    }

    @Test func columnsFillDownThenAcross() {
        let text = columnLayout(["a", "bb", "c", "d", "e"], width: 8)   // cells of 4: two columns
        #expect(text == "a   d\nbb  e\nc\n")
        #expect(columnLayout(["only"], width: 2) == "only\n")
        #expect(columnLayout([], width: 80) == "")
    }
}
