using MathNet.Numerics.LinearAlgebra;

namespace Backprop.MLNet.Samples.Handout;

/// <summary>
/// The handout's network with small hand-picked weights, and a batch of three examples:
/// 2 inputs → 3 tanh units → 2 sigmoid units → 1 sigmoid output. Different layer widths make every
/// matrix's shape visible (W1 is 2×3, W2 is 3×2, U has 2 entries).
/// </summary>
public sealed record HandoutNetwork
{
    private static readonly MatrixBuilder<float> M = Matrix<float>.Build;
    private static readonly VectorBuilder<float> V = Vector<float>.Build;

    /// <summary>W⁽¹⁾, inputs × units of layer 1.</summary>
    public required Matrix<float> W1 { get; init; }

    /// <summary>b⁽¹⁾.</summary>
    public required Vector<float> B1 { get; init; }

    /// <summary>W⁽²⁾, units of layer 1 × units of layer 2.</summary>
    public required Matrix<float> W2 { get; init; }

    /// <summary>b⁽²⁾.</summary>
    public required Vector<float> B2 { get; init; }

    /// <summary>U, one weight per unit of layer 2.</summary>
    public required Vector<float> U { get; init; }

    /// <summary>c.</summary>
    public required float C { get; init; }

    /// <summary>The starting weights printed by the sample.</summary>
    public static HandoutNetwork Example { get; } = new()
    {
        W1 = M.DenseOfArray(new float[,] { { 0.1f, -0.2f, 0.3f }, { 0.4f, 0.1f, -0.5f } }),
        B1 = V.DenseOfArray([0.05f, -0.1f, 0.0f]),
        W2 = M.DenseOfArray(new float[,] { { 0.5f, -0.6f }, { 0.2f, 0.7f }, { -0.3f, 0.1f } }),
        B2 = V.DenseOfArray([0.0f, 0.1f]),
        U = V.DenseOfArray([0.8f, -0.5f]),
        C = 0.2f,
    };

    /// <summary>The batch x: three examples (rows) of two features.</summary>
    public static Matrix<float> ExampleInputs { get; } = M.DenseOfArray(new float[,] { { 1.0f, 2.0f }, { -1.0f, 0.5f }, { 0.3f, -0.7f } });

    /// <summary>The labels y of <see cref="ExampleInputs"/>.</summary>
    public static Vector<float> ExampleLabels { get; } = V.DenseOfArray([1f, 0f, 1f]);

    /// <summary>The step size η of the gradient step.</summary>
    public const float LearningRate = 0.5f;

    /// <summary>The same weights as the library's model type (for <see cref="BackpropTrace"/> and warm-starting the trainer).</summary>
    public BackpropMlpModelParameters ToModelParameters() => new(
        [new MlpLayerWeights(W1, B1, MlpActivation.Tanh), new MlpLayerWeights(W2, B2, MlpActivation.Sigmoid)], U, C);

    /// <summary>Reads the weights back from the library's model type (the handout's two hidden layers).</summary>
    public static HandoutNetwork FromModelParameters(BackpropMlpModelParameters model) => new()
    {
        W1 = model.HiddenLayers[0].Weights,
        B1 = model.HiddenLayers[0].Bias,
        W2 = model.HiddenLayers[1].Weights,
        B2 = model.HiddenLayers[1].Bias,
        U = model.OutputWeights,
        C = model.OutputBias,
    };
}
