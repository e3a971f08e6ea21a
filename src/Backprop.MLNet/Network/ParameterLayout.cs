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
    public ParameterLayout(int inputCount, IReadOnlyList<int> hiddenSizes)
    {
        if (inputCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputCount), inputCount, "The network needs at least one input feature.");
        }

        if (inputCount > NetworkLimits.MaxInputs)
        {
            throw new ArgumentOutOfRangeException(nameof(inputCount), inputCount, $"The network may have at most {NetworkLimits.MaxInputs} input features.");
        }

        if (hiddenSizes.Count is 0 or > NetworkLimits.MaxHiddenLayers)
        {
            throw new ArgumentException($"The network needs between 1 and {NetworkLimits.MaxHiddenLayers} hidden layers; it was given {hiddenSizes.Count}.", nameof(hiddenSizes));
        }

        InputCount = inputCount;
        HiddenSizes = hiddenSizes.ToArray();
        weightOffsets = new int[HiddenSizes.Length];
        biasOffsets = new int[HiddenSizes.Length];
        for (int l = 0; l < HiddenSizes.Length; l++)
        {
            if (HiddenSizes[l] is <= 0 or > NetworkLimits.MaxLayerSize)
            {
                throw new ArgumentOutOfRangeException(nameof(hiddenSizes), HiddenSizes[l], $"Hidden layer {l} must have between 1 and {NetworkLimits.MaxLayerSize} units.");
            }
        }

        long total = HiddenSizes.Select((size, l) => ((l == 0 ? (long)inputCount : HiddenSizes[l - 1]) + 1) * size).Sum() + HiddenSizes[^1] + 1;
        if (total > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(hiddenSizes), total,
                $"A network with {inputCount} inputs and hidden layers of [{string.Join(", ", HiddenSizes)}] units has {total} parameters, " +
                $"more than the {Array.MaxLength} one array can hold. Use fewer or smaller hidden layers, or fewer features.");
        }

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

    /// <summary>The ranges holding weights (not biases): the ones L2 regularisation applies to.</summary>
    public (int Offset, int Length)[] WeightRanges { get; }

    /// <summary>Whether another layout describes the same shapes.</summary>
    public bool SameShapeAs(ParameterLayout other) =>
        InputCount == other.InputCount && HiddenSizes.AsSpan().SequenceEqual(other.HiddenSizes);
}
