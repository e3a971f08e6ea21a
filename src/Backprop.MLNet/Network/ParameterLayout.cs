using Backprop.MLNet.Numerics;

namespace Backprop.MLNet.Network;

/// <summary>
/// Where each parameter of the network lives in one flat vector: for every hidden layer l its
/// weights <c>W</c> (inputs×outputs, row-major, as in the handout's <c>xW</c>) then its bias <c>b</c>,
/// then the output weights <c>U</c> and the output bias <c>c</c>.
/// </summary>
/// <remarks>One flat vector lets every optimizer update all parameters with one loop.</remarks>
internal sealed class ParameterLayout
{
    private readonly int[] weightOffsets;
    private readonly int[] biasOffsets;

    /// <summary>Creates the layout of a network with the given input count and hidden layer sizes.</summary>
    /// <remarks>
    /// The shape must be within <see cref="NetworkLimits"/>; the error says what is wrong without advice, since the
    /// shape may come from the trainer's options (which check it first, with advice: <see cref="NetworkLimits.CheckTrainable"/>)
    /// or from a model file (whose reader checks it first and reports a damaged file).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The input count, a layer size or the parameter count is beyond the limits.</exception>
    /// <exception cref="ArgumentException">There are no hidden layers or more than <see cref="NetworkLimits.MaxHiddenLayers"/>.</exception>
    public ParameterLayout(int inputCount, IReadOnlyList<int> hiddenSizes)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        int[] sizes = hiddenSizes.ToArray();
        string? problem = NetworkLimits.CheckShape(inputCount, sizes, out long total, out string? parameter);
        if (problem is not null)
        {
            if (parameter == "inputCount")
            {
                throw new ArgumentOutOfRangeException(nameof(inputCount), inputCount, problem);
            }

            if (sizes.Length is 0 or > NetworkLimits.MaxHiddenLayers)
            {
                throw new ArgumentException(problem, nameof(hiddenSizes));
            }

            throw new ArgumentOutOfRangeException(nameof(hiddenSizes), total >= 0 ? total : sizes.Length, problem);
        }

        InputCount = inputCount;
        HiddenSizes = sizes;
        weightOffsets = new int[HiddenSizes.Length];
        biasOffsets = new int[HiddenSizes.Length];
        long offset = 0;
        for (int l = 0; l < HiddenSizes.Length; l++)
        {
            weightOffsets[l] = checked((int)offset);
            offset += (long)LayerInputCount(l) * HiddenSizes[l];
            biasOffsets[l] = checked((int)offset);
            offset += HiddenSizes[l];
        }

        OutputWeightOffset = checked((int)offset);
        offset += HiddenSizes[^1];
        OutputBiasOffset = checked((int)offset);
        Count = checked((int)(offset + 1));
        WeightRanges = [.. Enumerable.Range(0, LayerCount).Select(l => (WeightOffset(l), WeightCount(l))), (OutputWeightOffset, HiddenSizes[^1])];
    }

    /// <summary>Number of input features <c>d</c>.</summary>
    public int InputCount { get; }

    /// <summary>Units of each hidden layer.</summary>
    public int[] HiddenSizes { get; }

    /// <summary>Number of hidden layers.</summary>
    public int LayerCount => HiddenSizes.Length;

    /// <summary>Offset of <c>U</c> (last hidden size × 1).</summary>
    public int OutputWeightOffset { get; }

    /// <summary>Offset of the scalar <c>c</c>.</summary>
    public int OutputBiasOffset { get; }

    /// <summary>Total number of parameters.</summary>
    public int Count { get; }

    /// <summary>Inputs of hidden layer l: <c>d</c> for the first, the previous layer's size after.</summary>
    public int LayerInputCount(int l) => l == 0 ? InputCount : HiddenSizes[l - 1];

    /// <summary>Offset of hidden layer l's weight matrix.</summary>
    public int WeightOffset(int l) => weightOffsets[l];

    /// <summary>Offset of hidden layer l's bias vector.</summary>
    public int BiasOffset(int l) => biasOffsets[l];

    /// <summary>Number of entries of hidden layer l's weight matrix.</summary>
    public int WeightCount(int l) => LayerInputCount(l) * HiddenSizes[l];

    /// <summary>Hidden layer l's block of a flat vector (parameters or their gradient) as an inputs × outputs matrix.</summary>
    public MatrixView<T> WeightMatrix<T>(Span<T> values, int l)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        new(values.Slice(WeightOffset(l), WeightCount(l)), LayerInputCount(l), HiddenSizes[l]);

    /// <summary>The output weights' block of a flat vector as a column (last hidden size × 1).</summary>
    public MatrixView<T> OutputColumn<T>(Span<T> values)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        new(values.Slice(OutputWeightOffset, HiddenSizes[^1]), HiddenSizes[^1], 1);

    /// <summary>The ranges holding weights (not biases): the ones L2 regularisation applies to.</summary>
    public (int Offset, int Length)[] WeightRanges { get; }

    /// <summary>Whether another layout describes the same shapes.</summary>
    public bool SameShapeAs(ParameterLayout other) =>
        InputCount == other.InputCount && HiddenSizes.AsSpan().SequenceEqual(other.HiddenSizes);
}
