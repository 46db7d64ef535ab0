extension Network {
    /// The network's outputs for a batch: `x` is rows × inputWidth, the result rows × outputWidth
    /// (class probabilities after softmax). Runs in chunks of up to 256 rows; `shouldStop` is
    /// asked before each: when it says true, prediction throws `.stopped`.
    /// (A precision entry point: see Scalar.swift, "Specialised entry points".)
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func predict(_ x: Matrix<T>, shouldStop: () -> Bool = { false }) throws(EngineError) -> Matrix<T> {
        try check(inputWidth: x.columns, targetWidth: nil, what: "the input")
        let k = outputWidth, w = inputWidth
        try MemoryLimit.check(count: x.rows, times: k, bytesEach: MemoryLayout<T>.size,
                              for: "the output matrix (\(x.rows)×\(k))")
        var result = Matrix<T>(rows: x.rows, columns: k)
        guard x.rows > 0 else { return result }
        let capacity = Swift.min(256, x.rows)
        let ws = Workspace(network: self, capacity: capacity, targetWidth: 0)
        var start = 0
        while start < x.rows {
            if shouldStop() { throw EngineError(.stopped, "stopped after \(start) of \(x.rows) examples") }
            let rows = Swift.min(capacity, x.rows - start)
            x.storage.withUnsafeBufferPointer { src in
                ws.inputs.pointer.update(from: src.baseAddress! + start * w, count: rows * w)
            }
            predictPass(ws, rows: rows)
            let out = ws.outputs[ws.outputs.count - 1].pointer
            result.storage.withUnsafeMutableBufferPointer { dst in
                (dst.baseAddress! + start * k).update(from: out, count: rows * k)
            }
            start += rows
        }
        return result
    }

    /// The outputs for every example of `data` (targets, if any, are ignored), stopping as
    /// `predict(_:shouldStop:)` does.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func predict(_ data: any TrainingData, shouldStop: () -> Bool = { false }) throws(EngineError) -> Matrix<T> {
        try check(inputWidth: data.inputWidth, targetWidth: nil, what: "the data")
        let k = outputWidth
        try MemoryLimit.check(count: data.count, times: k, bytesEach: MemoryLayout<T>.size,
                              for: "the output matrix (\(data.count)×\(k))")
        var result = Matrix<T>(rows: data.count, columns: k)
        guard data.count > 0 else { return result }
        let capacity = Swift.min(256, data.count)
        let ws = Workspace(network: self, capacity: capacity, targetWidth: data.targetWidth)
        var start = 0
        while start < data.count {
            if shouldStop() { throw EngineError(.stopped, "stopped after \(start) of \(data.count) examples") }
            let rows = Swift.min(capacity, data.count - start)
            ws.fill(from: data, start: start, rows: rows)
            predictPass(ws, rows: rows)
            let out = ws.outputs[ws.outputs.count - 1].pointer
            result.storage.withUnsafeMutableBufferPointer { dst in
                (dst.baseAddress! + start * k).update(from: out, count: rows * k)
            }
            start += rows
        }
        return result
    }

    /// The reference forward pass: each layer's `reference` in turn (allocating; dropout is
    /// the identity).
    public func referenceForward(_ x: Matrix<T>) -> Matrix<T> {
        stack.reduce(x) { $1.reference($0) }
    }
}
