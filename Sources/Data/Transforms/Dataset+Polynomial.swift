extension Dataset {
    /// Each feature x replaced by its powers x, x², …, x^degree (no cross terms), grouped by
    /// feature: `[x₁, x₁², …, x₁^d, x₂, …]`. For the one-input Runge set this is the design of a
    /// degree-d polynomial fit; column 0 stays x. Double features stay Double, others become Float.
    public func polynomialFeatures(degree: Int) throws(DataError) -> Dataset {
        guard (1...30).contains(degree) else {
            throw DataError(.invalidArgument, file: name, "the polynomial degree must be 1 to 30, not \(degree)")
        }
        let width = inputWidth * degree
        try checkMemory(count: count, times: width, bytesEach: 8, for: "the polynomial features (\(count)×\(width))", file: name)
        var values = [Double]()
        values.reserveCapacity(count * width)
        for i in 0..<count {
            for j in 0..<inputWidth {
                let x = feature(i, j)
                var power = 1.0
                for _ in 1...degree {
                    power *= x
                    values.append(power)
                }
            }
        }
        var d = self
        d.replaceFeatures(features.withSamePrecision(values), width: width)
        return d
    }
}
