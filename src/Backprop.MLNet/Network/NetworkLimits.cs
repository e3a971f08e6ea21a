namespace Backprop.MLNet.Network;

/// <summary>
/// The largest networks this library builds, trains, saves and loads. One set of limits for all of them, so a
/// network that trains can always be saved and loaded again (the model loader rejects anything beyond them as damaged).
/// </summary>
/// <remarks>
/// <para>
/// The model file's payload (<c>MLNet/Persistence/ModelPayload.cs</c>) stores its body length as an int32, so the body
/// of the largest network with the longest history must stay below 2³¹ bytes: <see cref="MaxParameters"/> (2²⁸ floats,
/// 1 GiB) plus <see cref="MaxEpochs"/> history records of 21 bytes (210 MB) plus the shape of
/// <see cref="MaxHiddenLayers"/> layers come to <see cref="MaxPayloadBodyBytes"/>, about 1.28 GB. 2²⁸ floats also keep
/// every byte count of the weights (4 × count ≤ 2³⁰) inside int range, and training such a network already needs
/// 4–5 GiB (weights, gradient, optimizer state).
/// </para>
/// <para>
/// <see cref="CheckShape"/> is the one test of a shape against these limits; it describes the problem without advice,
/// so the trainer (<see cref="CheckTrainable"/>), <see cref="ParameterLayout"/> and the model reader each phrase the
/// error for their caller.
/// </para>
/// </remarks>
internal static class NetworkLimits
{
    /// <summary>Most hidden layers.</summary>
    public const int MaxHiddenLayers = 1024;

    /// <summary>Most units in one hidden layer (2²⁴).</summary>
    public const int MaxLayerSize = 1 << 24;

    /// <summary>Most input features (2²⁸; a network with more could not stay within <see cref="MaxParameters"/>).</summary>
    public const int MaxInputs = 1 << 28;

    /// <summary>Most parameters (weights and biases) of one network: 2²⁸ floats, 1 GiB.</summary>
    public const int MaxParameters = 1 << 28;

    /// <summary>Most training epochs (and so entries in a model's history).</summary>
    public const int MaxEpochs = 10_000_000;

    /// <summary>Bytes of one epoch record in a model file: int32 epoch, float64 training loss, byte has-validation, float64 validation loss.</summary>
    public const int EpochRecordBytes = 4 + 8 + 1 + 8;

    /// <summary>
    /// The largest payload body a network within these limits needs (version-2 layout: shape, weights, history, kept
    /// epoch); it must fit the payload's int32 length field.
    /// </summary>
    public const long MaxPayloadBodyBytes = 4 + 4 + 8L * MaxHiddenLayers + 4 + 4L * MaxParameters + 4 + (long)EpochRecordBytes * MaxEpochs + 4;

    /// <summary>
    /// Checks a network's shape against the limits. Returns null when it is within them, else what is wrong in neutral
    /// words (no advice: the caller knows whether the user or a file chose the shape).
    /// </summary>
    /// <param name="inputCount">Input features <c>d</c>.</param>
    /// <param name="hiddenSizes">Units of each hidden layer, first to last.</param>
    /// <param name="parameterCount">The number of parameters when every layer size is in range (even if there are too many), else -1.</param>
    /// <param name="problemParameter">Which argument is wrong: "inputCount" or "hiddenSizes" (null when nothing is wrong).</param>
    public static string? CheckShape(int inputCount, ReadOnlySpan<int> hiddenSizes, out long parameterCount, out string? problemParameter)
    {
        parameterCount = -1;
        problemParameter = "inputCount";
        if (inputCount <= 0)
        {
            return $"The network needs at least one input feature; it has {inputCount}.";
        }

        if (inputCount > MaxInputs)
        {
            return $"The network has {inputCount} input features, more than the {MaxInputs} a BackpropMlp network may have.";
        }

        problemParameter = "hiddenSizes";
        if (hiddenSizes.Length is 0 or > MaxHiddenLayers)
        {
            return $"The network needs between 1 and {MaxHiddenLayers} hidden layers; it has {hiddenSizes.Length}.";
        }

        for (int l = 0; l < hiddenSizes.Length; l++)
        {
            if (hiddenSizes[l] is <= 0 or > MaxLayerSize)
            {
                return $"Hidden layer {l} has {hiddenSizes[l]} units; a layer must have between 1 and {MaxLayerSize}.";
            }
        }

        long total = ParameterCount(inputCount, hiddenSizes);
        parameterCount = total;
        if (total > MaxParameters)
        {
            return $"A network with {inputCount} inputs and hidden layers of [{string.Join(", ", hiddenSizes.ToArray())}] units has {total} parameters, " +
                $"more than the {MaxParameters} (2^28) a BackpropMlp network may have so that it can be saved and loaded again.";
        }

        problemParameter = null;
        return null;
    }

    /// <summary>
    /// What the trainer checks before it reads any data: a network of <paramref name="hiddenSizes"/> on
    /// <paramref name="inputCount"/> features is within the limits, so the model it trains can be saved and loaded.
    /// </summary>
    /// <param name="inputCount">The feature vector's size.</param>
    /// <param name="hiddenSizes">The sizes of the option HiddenLayers, first to last.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The shape is beyond the limits; <see cref="ArgumentException.ParamName"/> is the option to change
    /// ("HiddenLayers", or "FeatureColumnName" when the feature vector alone is too large).
    /// </exception>
    public static void CheckTrainable(int inputCount, IReadOnlyList<int> hiddenSizes)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        string? problem = CheckShape(inputCount, hiddenSizes.ToArray(), out long count, out string? parameter);
        if (problem is null)
        {
            return;
        }

        if (parameter == "inputCount")
        {
            throw new ArgumentOutOfRangeException("FeatureColumnName", inputCount, $"{problem} Reduce the number of features (e.g. a smaller hashing or n-gram space).");
        }

        throw new ArgumentOutOfRangeException(
            "HiddenLayers", count >= 0 ? count : hiddenSizes.Count,
            count > MaxParameters ? $"{problem} Use fewer or smaller hidden layers, or fewer features." : problem);
    }

    /// <summary>
    /// Weights and biases of a network with these layer sizes (each between 1 and <see cref="MaxLayerSize"/>, at most
    /// <see cref="MaxHiddenLayers"/> of them, and at most 2³¹ inputs: every term stays below 2⁵⁵, so a long cannot overflow).
    /// </summary>
    public static long ParameterCount(int inputCount, ReadOnlySpan<int> hiddenSizes)
    {
        long total = 0, previous = inputCount;
        foreach (int size in hiddenSizes)
        {
            total += (previous + 1) * size;
            previous = size;
        }

        return total + previous + 1;
    }
}
