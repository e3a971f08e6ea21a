using MathNet.Numerics.LinearAlgebra;

namespace Backprop.MLNet;

/// <summary>
/// Every intermediate value of one forward and backward pass, for teaching and inspection: the handout's
/// <c>u⁽ˡ⁾</c> (<see cref="PreActivations"/>) and <c>h⁽ˡ⁾</c> (<see cref="Activations"/>) of each hidden layer,
/// <c>u3</c>, <c>ŷ</c>, the loss, and the gradients <c>∂L/∂W⁽ˡ⁾</c>, <c>∂L/∂b⁽ˡ⁾</c>, <c>∂L/∂U</c>, <c>∂L/∂c</c>.
/// </summary>
/// <remarks>
/// Computed by the same backpropagation code the trainer uses (in float); index 0 is the handout's
/// layer 1. <see cref="Network.Backpropagation"/> holds the equations.
/// </remarks>
public sealed class BackpropTrace
{
    private BackpropTrace()
    {
    }

    /// <summary>The handout's <c>u⁽ˡ⁾ = h⁽ˡ⁻¹⁾·W⁽ˡ⁾ + b⁽ˡ⁾</c> (with <c>h⁽⁰⁾ = x</c>) of each hidden layer, rows are examples.</summary>
    public IReadOnlyList<Matrix<float>> PreActivations { get; private init; } = [];

    /// <summary>The handout's <c>h⁽ˡ⁾ = act(u⁽ˡ⁾)</c> of each hidden layer.</summary>
    public IReadOnlyList<Matrix<float>> Activations { get; private init; } = [];

    /// <summary>The logits <c>u3 = h_last·U + c</c>.</summary>
    public Vector<float> U3 { get; private init; } = Vector<float>.Build.Dense(0);

    /// <summary>The predictions <c>ŷ = σ(u3)</c>.</summary>
    public Vector<float> YHat { get; private init; } = Vector<float>.Build.Dense(0);

    /// <summary>The mean binary cross-entropy <c>L</c> (example-weighted when weights are given).</summary>
    public float Loss { get; private init; }

    /// <summary><c>∂L/∂u3 = (ŷ − y)/N</c>.</summary>
    public Vector<float> DeltaU3 { get; private init; } = Vector<float>.Build.Dense(0);

    /// <summary><c>∂L/∂W[l]</c>, the shape of <c>W[l]</c>.</summary>
    public IReadOnlyList<Matrix<float>> WeightGradients { get; private init; } = [];

    /// <summary><c>∂L/∂b[l]</c>.</summary>
    public IReadOnlyList<Vector<float>> BiasGradients { get; private init; } = [];

    /// <summary><c>∂L/∂U</c>.</summary>
    public Vector<float> OutputWeightGradient { get; private init; } = Vector<float>.Build.Dense(0);

    /// <summary><c>∂L/∂c</c>.</summary>
    public float OutputBiasGradient { get; private init; }

    /// <summary>Runs one forward and backward pass of <paramref name="network"/> on a batch.</summary>
    /// <param name="network">The weights (e.g. built by hand with <see cref="BackpropMlpModelParameters(IEnumerable{MlpLayerWeights}, Vector{float}, float)"/>).</param>
    /// <param name="x">Inputs, one example per row.</param>
    /// <param name="y">Labels, 0 or 1.</param>
    /// <param name="exampleWeights">Optional example weights sᵢ.</param>
    public static BackpropTrace Compute(BackpropMlpModelParameters network, Matrix<float> x, Vector<float> y, Vector<float>? exampleWeights = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        Network.NetworkParameters<float> net = network.Network;
        Network.ParameterLayout layout = net.Layout;
        if (x.ColumnCount != layout.InputCount)
        {
            throw new ArgumentException($"x has {x.ColumnCount} columns but the network has {layout.InputCount} inputs.", nameof(x));
        }

        if (y.Count != x.RowCount || (exampleWeights is not null && exampleWeights.Count != x.RowCount))
        {
            throw new ArgumentException($"y (and the example weights) need one entry per row of x ({x.RowCount}).", nameof(y));
        }

        int n = x.RowCount;
        var ws = new Network.Workspace<float>(layout, n);
        float[] gradient = new float[layout.Count];
        float[] labels = y.ToArray();
        (float loss, _) = Network.Objective.LossAndGradient(net, Network.InputBatch<float>.FromDense(x.ToRowMajorArray(), n, x.ColumnCount), labels,
            exampleWeights is null ? [] : exampleWeights.ToArray(), 0f, ws, gradient);

        var u = new List<Matrix<float>>();
        var h = new List<Matrix<float>>();
        var dW = new List<Matrix<float>>();
        var db = new List<Vector<float>>();
        Matrix<float> input = x;
        for (int l = 0; l < layout.LayerCount; l++)
        {
            int inputs = layout.LayerInputCount(l), outputs = layout.HiddenSizes[l];
            MlpLayerWeights layer = network.HiddenLayers[l];
            // u is recomputed with MathNet for display: the training pass keeps only h.
            Matrix<float> ul = input * layer.Weights;
            for (int i = 0; i < n; i++)
            {
                ul.SetRow(i, ul.Row(i) + layer.Bias);
            }

            u.Add(ul);
            h.Add(Matrix<float>.Build.DenseOfRowMajor(n, outputs, ws.H(l, n).ToArray()));
            dW.Add(Matrix<float>.Build.DenseOfRowMajor(inputs, outputs, gradient.AsSpan(layout.WeightOffset(l), inputs * outputs).ToArray()));
            db.Add(Vector<float>.Build.DenseOfArray(gradient.AsSpan(layout.BiasOffset(l), outputs).ToArray()));
            input = h[l];
        }

        float[] u3 = ws.U3(n).ToArray();
        return new BackpropTrace
        {
            PreActivations = u,
            Activations = h,
            U3 = Vector<float>.Build.DenseOfArray(u3),
            YHat = Vector<float>.Build.DenseOfArray(u3.Select(Network.BinaryCrossEntropy.Sigmoid).ToArray()),
            Loss = loss,
            DeltaU3 = Vector<float>.Build.DenseOfArray(ws.DeltaU3(n).ToArray()),
            WeightGradients = dW,
            BiasGradients = db,
            OutputWeightGradient = Vector<float>.Build.DenseOfArray(gradient.AsSpan(layout.OutputWeightOffset, layout.HiddenSizes[^1]).ToArray()),
            OutputBiasGradient = gradient[layout.OutputBiasOffset],
        };
    }
}
