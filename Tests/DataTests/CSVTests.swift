import Engine
import Testing
@testable import Data

@Suite struct CSVTests {
    let dir = TemporaryDirectory()

    @Test func headerIsDetectedAndStringLabelsBecomeNamedClasses() throws {
        let path = dir.write("iris.csv", text: """
            sepal,petal,species
            5.1,1.4,setosa
            7.0,4.7,versicolor
            6.3,6.0,virginica
            4.9,1.5,setosa

            """)
        let d = try CSV.load(path: path, options: CSVOptions(label: "species"))
        #expect(d.name == "iris.csv")
        #expect(d.count == 4 && d.inputWidth == 2 && d.targetWidth == 3)
        #expect(d.classNames == ["setosa", "versicolor", "virginica"])
        #expect(d.labels == [0, 1, 2, 0])
        #expect(close(d.feature(1, 0), 7.0, 1e-6) && close(d.feature(2, 1), 6.0, 1e-6))
        #expect(d.features.precisionName == "float32")
    }

    @Test func mnistAsCSVWithTheLabelFirst() throws {
        let path = dir.write("mnist.csv", text: "5,0,128,255,3\n0,1,2,3,4\n")
        let d = try CSV.load(path: path, options: .mnist)
        #expect(d.count == 2 && d.inputWidth == 4)
        #expect(d.labels == [5, 0] && d.targetWidth == 6)
        #expect(d.imageShape == ImageShape(rows: 2, columns: 2))
        #expect(d.features == .pixels([0, 128, 255, 3, 1, 2, 3, 4]))
        #expect(close(d.feature(0, 2), 1.0))
    }

    @Test func regressionTargetsAndChosenFeatureColumns() throws {
        let path = dir.write("houses.csv", text: "id,rooms,area,price\n1,3,70.5,200\n2,4,99,310.25\n")
        let options = CSVOptions(targets: [-1], features: ["area", 1], precision: .double)
        let d = try CSV.load(path: path, options: options)
        #expect(d.inputWidth == 2 && d.targetWidth == 1 && d.labels == nil)
        #expect(d.featureRow(0) == [70.5, 3] && d.featureRow(1) == [99, 4])
        #expect(d.targetMatrix(Double.self).storage == [200, 310.25])
    }

    @Test func quotesCRLFBlankLinesBOMAndGzip() throws {
        let text = "\u{FEFF}\"name, with comma\",\"x\"\r\n\r\n\"say \"\"hi\"\"\", 2.5e1 \r\n\"b\",-3\r\n"
        let d = try CSV.parse(text: text, file: "q.csv", options: CSVOptions(label: 0))
        #expect(d.classNames == ["b", "say \"hi\""])
        #expect(d.labels == [1, 0])
        #expect(d.featureRow(0) == [25] && d.featureRow(1) == [-3])
        let gz = dir.writeGzip("q.csv.gz", Array(text.utf8))
        #expect(try CSV.load(path: gz, options: CSVOptions(label: 0)).labels == [1, 0])
    }

    @Test func noHeaderWhenEveryCellIsANumber() throws {
        let d = try CSV.parse(text: "1,2\n3,4\n", file: "n.csv", options: CSVOptions(targets: [1]))
        #expect(d.count == 2 && d.featureRow(1) == [3])
        let forced = try CSV.parse(text: "1,2\n3,4\n", file: "n.csv", options: CSVOptions(header: true, targets: [1]))
        #expect(forced.count == 1)
    }

    @Test func aBadCellNamesFileLineAndColumn() {
        let error = #expect(throws: DataError.self) {
            try CSV.parse(text: "a,b,c\n1,2,3\n4, 5x,6\n", file: "t.csv", options: CSVOptions(label: "c"))
        }
        #expect(error?.kind == .badValue)
        #expect(error?.line == 3 && error?.column == 4)
        #expect(error?.description == "t.csv:3:4: \"5x\" in column \"b\" is not a number")
    }

    @Test func aBadCellAfterMultibyteTextCountsCharacters() {
        let error = #expect(throws: DataError.self) {
            try CSV.parse(text: "é,ü\nü,1\n", file: "u.csv", options: CSVOptions(label: 1))
        }
        #expect(error?.line == 2 && error?.column == 1)
        let second = #expect(throws: DataError.self) {
            try CSV.parse(text: "k,v\nü,nan\n", file: "u.csv", options: CSVOptions(label: 0))
        }
        #expect(second?.line == 2 && second?.column == 3)
    }

    /// A gzip'ed CSV is held to the memory limit by its decompressed bytes, counted as they
    /// stream (its size on disk is no guide): 2 MB of "0,0" lines in a few KB, under a 1 MB limit.
    @Test func gzipInputIsCheckedAsItDecompresses() throws {
        let text = "x,y\n" + String(repeating: "0,0\n", count: 500_000)
        let path = dir.writeGzip("big.csv.gz", Array(text.utf8))
        #expect(rawBytes(path).count < 100_000)
        let e = #expect(throws: DataError.self) {
            try MemoryLimit.$scopedBytes.withValue(1 << 20) { try CSV.load(path: path) }
        }
        #expect(e?.kind == .tooLarge)
        #expect(e?.description == "\(path): decompressed, the file is larger than the memory limit of 1 MB")
        // Within the limit it loads.
        let small = dir.writeGzip("small.csv.gz", Array(("x,y\n" + String(repeating: "0,0\n", count: 1000)).utf8))
        #expect(try MemoryLimit.$scopedBytes.withValue(1 << 20) { try CSV.load(path: small) }.count == 1000)
    }

    /// One enormous row costs a cell record (40 bytes) per cell while it is read: a 300 KB line
    /// of 150,000 cells is refused under a 1 MB limit, at the row, instead of taking 6 MB.
    @Test func anEnormousRowIsCheckedAsItIsRead() throws {
        let path = dir.write("wide.csv", text: "1,2\n" + Array(repeating: "0", count: 150_000).joined(separator: ",") + "\n")
        let e = #expect(throws: DataError.self) {
            try MemoryLimit.$scopedBytes.withValue(1 << 20) { try CSV.load(path: path) }
        }
        #expect(e?.kind == .tooLarge && e?.line == 2 && e?.column == 1)
        #expect(e?.message.hasPrefix("this row has more than ") == true && e?.message.hasSuffix(" more than the memory limit of 1 MB") == true,
                "\(e?.message ?? "")")
    }

    @Test func malformedFilesAreErrors() {
        let ragged = #expect(throws: DataError.self) {
            try CSV.parse(text: "1,2,3\n4,5\n", file: "r.csv", options: CSVOptions(label: 0))
        }
        #expect(ragged?.kind == .malformed && ragged?.line == 2)
        let open = #expect(throws: DataError.self) {
            try CSV.parse(text: "1,2\n\"3,4\n", file: "o.csv", options: CSVOptions(label: 0))
        }
        #expect(open?.kind == .malformed && open?.line == 2)
        let noColumn = #expect(throws: DataError.self) {
            try CSV.parse(text: "a,b\n1,2\n", file: "c.csv", options: CSVOptions(label: "z"))
        }
        #expect(noColumn?.kind == .invalidArgument)
        let noHeader = #expect(throws: DataError.self) {
            try CSV.parse(text: "1,2\n", file: "c.csv", options: CSVOptions(label: "a"))
        }
        #expect(noHeader?.kind == .invalidArgument)
        let pixel = #expect(throws: DataError.self) {
            try CSV.parse(text: "1,0,256\n", file: "p.csv", options: .mnist)
        }
        #expect(pixel?.kind == .badValue && pixel?.column == 5)
        let empty = #expect(throws: DataError.self) { try CSV.parse(text: "", file: "e.csv") }
        #expect(empty?.kind == .malformed)
        let headerOnly = #expect(throws: DataError.self) { try CSV.parse(text: "a,b\n", file: "h.csv") }
        #expect(headerOnly?.kind == .malformed)
        let hex = #expect(throws: DataError.self) { try CSV.parse(text: "0x10,1\n", file: "x.csv", options: CSVOptions(header: false)) }
        #expect(hex?.kind == .badValue)
        let trailing = #expect(throws: DataError.self) {
            try CSV.parse(text: "1,2,\n", file: "t.csv", options: CSVOptions(header: false))
        }
        #expect(trailing?.kind == .badValue && trailing?.column == 5)
    }
}
