import Data
import Engine
import ModelFiles

/// What a network object carries into and out of model files (nnsh's own and safetensors):
/// the input preprocessing of the data it was trained on, and its provenance.
extension NetworkObject {
    /// The input standardisation, image geometry and class names, in model-file form.
    var preprocessing: Preprocessing {
        var p = Preprocessing()
        if let s = scaling {
            p.inputMeans = s.offsets
            p.inputStds = s.scales
        }
        if let shape = imageShape { p.image = ImageGeometry(width: shape.columns, height: shape.rows, channels: imageChannels) }
        if let names = classNames { p.classLabels = names }
        return p
    }

    /// A network read from a file, with the preprocessing saved beside it restored.
    convenience init(loaded: LoadedNetwork) {
        self.init(loaded.network)
        let p = loaded.preprocessing
        if !p.inputMeans.isEmpty, p.inputMeans.count == p.inputStds.count {
            scaling = FeatureScaling(kind: .standardization, offsets: p.inputMeans, scales: p.inputStds)
        }
        if let g = p.image {
            imageShape = ImageShape(rows: g.height, columns: g.width)
            imageChannels = g.channels
        }
        if !p.classLabels.isEmpty { classNames = p.classLabels }
    }
}
