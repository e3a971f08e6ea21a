using MathNet.Numerics.LinearAlgebra;

namespace Backprop.MLNet;

/// <summary>
/// The learned parameters of one hidden layer, as in the handout: <c>h = act(x·W + b)</c> with
/// <c>W</c> of shape inputs × outputs and <c>b</c> of length outputs.
/// </summary>
public sealed class MlpLayerWeights
{
    /// <summary>Creates a layer from its weights (inputs × outputs), bias (outputs) and activation.</summary>
    /// <exception cref="ArgumentException">The bias length differs from the weight matrix's column count, or a value is not finite.</exception>
    public MlpLayerWeights(Matrix<float> weights, Vector<float> bias, MlpActivation activation)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        if (bias.Count != weights.ColumnCount)
        {
            throw new ArgumentException($"The bias has {bias.Count} entries but the weight matrix has {weights.ColumnCount} columns (outputs); they must match.", nameof(bias));
        }

        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }

        if (weights.Enumerate().Any(v => !float.IsFinite(v)) || bias.Enumerate().Any(v => !float.IsFinite(v)))
        {
            throw new ArgumentException("Layer weights and bias must be finite (no NaN or infinity).", nameof(weights));
        }

        this.weights = weights.Clone();
        this.bias = bias.Clone();
        Activation = activation;
    }

    private readonly Matrix<float> weights;
    private readonly Vector<float> bias;

    /// <summary>The weight matrix <c>W</c>, inputs × outputs (a fresh copy on every call).</summary>
    public Matrix<float> Weights => weights.Clone();

    /// <summary>The bias vector <c>b</c>, length outputs (a fresh copy on every call).</summary>
    public Vector<float> Bias => bias.Clone();

    /// <summary>The layer's activation.</summary>
    public MlpActivation Activation { get; }

    /// <summary>Number of inputs (rows of <see cref="Weights"/>).</summary>
    public int InputCount => weights.RowCount;

    /// <summary>Number of units (columns of <see cref="Weights"/>).</summary>
    public int OutputCount => weights.ColumnCount;
}
