/// Turns a picture of one handwritten digit into the form of an MNIST example, so a digit drawn
/// in a paint program or photographed classifies like the training data:
///
/// 1. gray (the readers already give gray);
/// 2. white digit on black: the background level is the median of the border pixels; a light
///    background means dark ink, and the picture is inverted;
/// 3. contrast: background → 0, the strongest ink → 1, clamped;
/// 4. crop to the ink: the bounding box of pixels above `inkThreshold`;
/// 5. scale the box's longer side to 20 pixels, keeping the aspect ratio (area averaging, so
///    large pictures are anti-aliased as MNIST's were);
/// 6. centre by mass: place it in a 28×28 black field so its centre of mass falls on the
///    field's centre (14, 14) to the nearest pixel, keeping the whole box inside the field.
public enum DigitPreprocessing {
    /// MNIST's field and digit box sizes.
    public static let fieldSize = 28
    public static let boxSize = 20
    /// Ink level (after contrast) that counts for the bounding box.
    public static let inkThreshold: Float = 0.2

    /// Reads a picture file (PNG, PGM, PPM) and prepares it: what `classify "digit.png"` needs.
    public static func mnistStyle(path: String) throws(DataError) -> GrayImage {
        try mnistStyle(ImageFile.read(path: path), name: path)
    }

    /// The picture as a 28×28 MNIST-style image (white on black, values 0…1). Throws when the
    /// picture is blank (no ink stands out from the background).
    public static func mnistStyle(_ image: GrayImage, name: String = "image") throws(DataError) -> GrayImage {
        var v = image.pixels
        // 2. Background from the border; invert light backgrounds.
        var border = [Float]()
        for x in 0..<image.width { border += [image[x, 0], image[x, image.height - 1]] }
        for y in 0..<image.height { border += [image[0, y], image[image.width - 1, y]] }
        border.sort()
        var background = border[border.count / 2]
        if background > 0.5 {
            for i in v.indices { v[i] = 1 - v[i] }
            background = 1 - background
        }
        // 3. Contrast.
        let ink = v.max() ?? 0
        guard ink - background > 0.1 else {
            throw DataError(.badValue, file: name, "no digit found: the picture is nearly uniform")
        }
        for i in v.indices { v[i] = min(1, max(0, (v[i] - background) / (ink - background))) }
        // 4. Crop.
        var left = image.width, right = -1, top = image.height, bottom = -1
        for y in 0..<image.height {
            for x in 0..<image.width where v[y * image.width + x] > inkThreshold {
                left = min(left, x); right = max(right, x)
                top = min(top, y); bottom = max(bottom, y)
            }
        }
        let w = right - left + 1, h = bottom - top + 1
        var crop = GrayImage(width: w, height: h)
        for y in 0..<h {
            for x in 0..<w { crop[x, y] = v[(top + y) * image.width + left + x] }
        }
        // 5. Scale the longer side to 20.
        let scale = Double(boxSize) / Double(max(w, h))
        let newWidth = max(1, min(boxSize, Int((Double(w) * scale).rounded())))
        let newHeight = max(1, min(boxSize, Int((Double(h) * scale).rounded())))
        let box = resample(crop, width: newWidth, height: newHeight)
        // 6. Centre by mass.
        var mass: Float = 0, mx: Float = 0, my: Float = 0
        for y in 0..<box.height {
            for x in 0..<box.width {
                let m = box[x, y]
                mass += m
                mx += m * (Float(x) + 0.5)
                my += m * (Float(y) + 0.5)
            }
        }
        let centre = Float(fieldSize) / 2
        let offsetX = min(fieldSize - box.width, max(0, Int((centre - mx / mass).rounded())))
        let offsetY = min(fieldSize - box.height, max(0, Int((centre - my / mass).rounded())))
        var field = GrayImage(width: fieldSize, height: fieldSize)
        for y in 0..<box.height {
            for x in 0..<box.width { field[offsetX + x, offsetY + y] = box[x, y] }
        }
        return field
    }

    /// Area-averaging resize: each output pixel is the mean of the input area it covers
    /// (fractional coverage at the edges), applied along rows, then along columns.
    public static func resample(_ image: GrayImage, width: Int, height: Int) -> GrayImage {
        var horizontal = GrayImage(width: width, height: image.height)
        for y in 0..<image.height {
            let row = Array(image.pixels[y * image.width ..< (y + 1) * image.width])
            let out = resample(row, to: width)
            for x in 0..<width { horizontal[x, y] = out[x] }
        }
        var result = GrayImage(width: width, height: height)
        for x in 0..<width {
            let column = (0..<image.height).map { horizontal[x, $0] }
            let out = resample(column, to: height)
            for y in 0..<height { result[x, y] = out[y] }
        }
        return result
    }

    /// `line` (n values) to m values; output j averages the input interval [j·n/m, (j+1)·n/m).
    static func resample(_ line: [Float], to m: Int) -> [Float] {
        let n = line.count
        let step = Double(n) / Double(m)
        return (0..<m).map { j in
            let from = Double(j) * step, to = Double(j + 1) * step
            var sum = 0.0
            var k = Int(from)
            while Double(k) < to && k < n {
                let overlap = min(to, Double(k + 1)) - max(from, Double(k))
                sum += overlap * Double(line[k])
                k += 1
            }
            return Float(sum / step)
        }
    }
}
