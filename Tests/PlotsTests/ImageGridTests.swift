import Foundation
import Testing
@testable import Plots

@Suite struct ImageGridTests {
    @Test func monochromeSnapshot() {
        let expected = """
            misread digits
              ▄▄              ▄▄
             ▟▀▀▙    ████▖   ▟▀▀▙
            ▐▌  ▐▌     ▗█▘  ▐▌  ▐▌
            ▐▌  ▐▌     ▟▛   ▐▌  ▐▌
             ▜▄▄▛     ▗█▘    ▜▄▄▛
              ▀▀      ▝▀      ▀▀
            0 → 6   7 → 1   a lon…
            """
        #expect(Fixtures.digits.renderTerminal(width: 40) == expected)
    }

    @Test func imagesWrapToTheWidth() {
        let text = Fixtures.digits.renderTerminal(width: 14)   // two 6-wide images and a gap fit
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 1 + 7 + 1 + 7)
        #expect(lines[7] == "0 → 6   7 → 1" && lines[15] == "a lon…")
        #expect(lines.allSatisfy { $0.count <= 14 })
    }

    @Test func colourUsesTheGreyRampTwoPixelsPerCharacter() {
        let text = Fixtures.digits.renderTerminal(width: 80, colour: true)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1 + 6 + 1)
        #expect(text.contains(ANSI.foreground(255)) && text.contains(ANSI.background(232)))
        let firstRow = lines[1].filter { $0 == "▀" }.count
        #expect(firstRow == 3 * 12)
        #expect(!Fixtures.digits.renderTerminal(width: 80, colour: false).contains("\u{1B}"))
    }

    @Test func badPixelsAreBackgroundAndNothingCrashes() {
        let images = [
            ImageGrid.Image(pixels: [1, .nan, .infinity, 1], width: 2, height: 2),
            ImageGrid.Image(pixels: [1], width: 4, height: 4, caption: "short"),
            ImageGrid.Image(pixels: [], width: 0, height: -3, caption: "empty"),
            ImageGrid.Image(pixels: [0.3, 0.3, 0.3, 0.3], width: 2, height: 2),
        ]
        let text = ImageGrid(images: images).renderTerminal(width: 40)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("▚"))   // top-left and bottom-right ink, NaN and inf blank
        #expect(lines.last?.contains("s…") == true)   // captions are cut to the image width
        #expect(!ImageGrid(images: images).renderSVG().isEmpty)
    }

    @Test func noImagesSaysSo() {
        #expect(ImageGrid(title: "t", images: []).renderTerminal() == "t\nno images")
    }

    @Test func svgHasOneGroupPerImageCaptionsAndInkPixels() throws {
        let document = try #require(LineChartSVGTests.parse(Fixtures.digits.renderSVG(width: 400)))
        let groups = document.elements(named: "g").filter { $0.attributes["class"] == "image" }
        #expect(groups.count == 3)
        let captions = document.elements(named: "text").filter { $0.attributes["class"] == "caption" }.map(\.text)
        #expect(captions.first == "0 → 6" && captions.count == 3)
        let ink = Fixtures.seven.filter { $0 > 0.02 }.count + 2 * Fixtures.ring.filter { $0 > 0.02 * 255 }.count
        let pictures = document.elements(named: "image").filter { $0.groupClasses.last == "image" }
        #expect(pictures.count == 3)
        var inked = 0, white = 0
        for picture in pictures {
            let href = try #require(picture.attributes["href"])
            #expect(href.hasPrefix("data:image/png;base64,"))
            #expect(picture.attributes["style"] == "image-rendering:pixelated")
            let png = try #require(Data(base64Encoded: String(href.dropFirst("data:image/png;base64,".count))))
            let levels = try #require(PNGDecoding.greyscaleLevels(Array(png)))
            inked += levels.filter { $0 > 0 }.count
            white += levels.filter { $0 == 255 }.count
        }
        #expect(inked == ink)
        #expect(white > 0)
        // No pixel is drawn as an element of its own any more.
        #expect(document.elements(named: "rect").filter { $0.groupClasses.last == "image" }.count == 3)
    }
}

/// `ImageGrid.range`: one scale for every tile (a layer's filters, its feature maps), so that a
/// faint tile stays faint instead of being stretched to its own darkest…brightest.
@Suite struct ImageGridRangeTests {
    static let faint = ImageGrid.Image(pixels: [0, 1, 1, 0], width: 2, height: 2, caption: "faint")
    static let strong = ImageGrid.Image(pixels: [0, 4, 4, 0], width: 2, height: 2, caption: "strong")

    @Test func oneScaleKeepsAFaintTileFaint() {
        let own = ImageGrid(images: [Self.faint, Self.strong])
        let shared = ImageGrid(images: [Self.faint, Self.strong], range: 0...4)
        // Each on its own scale both tiles are the same diagonal; on one scale the faint one's
        // ink (a quarter of the brightest) is below the half that draws a quadrant.
        #expect(own.renderTerminal(width: 40).hasPrefix("▞  ▞"))
        #expect(shared.renderTerminal(width: 40).hasPrefix("   ▞"))
        #expect(own.images.map { own.drawingRange(of: $0).high } == [1, 4])
        #expect(shared.images.map { shared.drawingRange(of: $0).high } == [4, 4])
        #expect(Self.faint.levels(width: 2, height: 2, range: shared.drawingRange(of: Self.faint)) == [0, 64, 64, 0])
        #expect(Self.faint.levels(width: 2, height: 2, range: own.drawingRange(of: Self.faint)) == [0, 255, 255, 0])
        #expect(own.renderSVG() != shared.renderSVG())
    }
}
