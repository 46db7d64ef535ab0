/// nnsh's version, written into model files and printed by `nnsh --version`.
public enum NNSHVersion {
    public static let string = "0.1.0"
}
