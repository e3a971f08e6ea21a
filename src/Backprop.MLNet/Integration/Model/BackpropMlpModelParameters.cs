using Backprop.MLNet.Network;
using Backprop.MLNet.Training;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML;

namespace Backprop.MLNet;

/// <summary>
/// What <see cref="BackpropMlpTrainer"/> learned: the handout's weights
/// <c>W1, b1, W2, b2, …, U, c</c> as MathNet matrices and vectors, and the per-epoch loss history.
/// </summary>
/// <remarks>
/// <para>
/// The logit is <c>u3 = h_last·U + c</c> with <c>h = act(h_previous·W + b)</c> layer by layer from
/// <c>h_0 = x</c>; the probability is <c>σ(u3)</c>. Instances are immutable: the lists are read-only and the MathNet weights returned are copies.
/// </para>
/// <para>
/// It is a native ML.NET predictor: <c>BackpropMlpTrainer.Fit</c> returns it inside ML.NET's own
/// <c>BinaryPredictionTransformer&lt;BackpropMlpModelParameters&gt;</c>, which scores <c>Score</c> (u3),
/// <c>Probability</c> (σ(u3)) and <c>PredictedLabel</c> (Score above the threshold, 0 by default), so ML.NET's tools
/// for binary classifiers see it: ONNX export, <c>CalculateFeatureContribution</c> (integrated gradients),
/// permutation feature importance, <c>OneVersusAll</c>/<c>PairwiseCoupling</c>, <c>ChangeModelThreshold</c>,
/// calibrators, and <c>mlContext.Model.Save</c>/<c>Load</c>.
/// </para>
/// </remarks>
public sealed partial class BackpropMlpModelParameters
{
    /// <summary>
    /// The MathNet copies of the hidden layers, built on first access of <see cref="HiddenLayers"/> (once, even when
    /// threads race): scoring, saving and training use the flat <see cref="Network"/>, so a loaded or trained model
    /// holds one copy of its weights until someone asks for MathNet ones.
    /// </summary>
    private readonly Lazy<MlpLayerWeights[]> hiddenLayers;

    /// <summary>
    /// Builds a network from explicit weights (teaching, or a warm start for
    /// <c>BackpropMlpTrainer.Fit(IDataView, BackpropMlpModelParameters)</c>).
    /// </summary>
    /// <param name="hiddenLayers">The hidden layers, first to last: <c>(W1, b1, tanh), (W2, b2, σ), …</c>.</param>
    /// <param name="outputWeights"><c>U</c>, one weight per unit of the last hidden layer.</param>
    /// <param name="outputBias"><c>c</c>.</param>
    /// <exception cref="ArgumentException">The layers' shapes do not chain (a layer's inputs must equal the previous layer's outputs), or <c>U</c> has the wrong length.</exception>
    public BackpropMlpModelParameters(IEnumerable<MlpLayerWeights> hiddenLayers, Vector<float> outputWeights, float outputBias)
        : this(ToNetwork(hiddenLayers, outputWeights, outputBias), [], bestEpoch: 0)
    {
    }

    /// <summary>Wraps trained flat parameters (not copied), their history and the epoch whose weights they are.</summary>
    internal BackpropMlpModelParameters(NetworkParameters<float> network, IReadOnlyList<MlpEpochRecord> history, int bestEpoch)
    {
        Network = network;
        History = EpochHistory.From(history); // compact: 21 bytes an epoch, records made on access
        BestEpoch = bestEpoch;
        hiddenLayers = new Lazy<MlpLayerWeights[]>(() => BuildHiddenLayers(network), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The hidden layers, first to last (their MathNet matrices are built on the first access).</summary>
    public IReadOnlyList<MlpLayerWeights> HiddenLayers => Array.AsReadOnly(hiddenLayers.Value);

    /// <summary>The output weights <c>U</c> (a copy).</summary>
    public Vector<float> OutputWeights => Vector<float>.Build.DenseOfArray(Network.U.ToArray());

    /// <summary>The output bias <c>c</c>.</summary>
    public float OutputBias => Network.c;

    /// <summary>Number of input features the network expects.</summary>
    public int InputCount => Network.Layout.InputCount;

    /// <summary>One record per training epoch of the Fit that produced these weights (empty for weights given by hand; a warm start numbers its epochs from 1 again).</summary>
    public IReadOnlyList<MlpEpochRecord> History { get; }

    /// <summary>
    /// The epoch whose weights these are: the last one trained, or the best validation epoch when early
    /// stopping restored it; 0 for weights given by hand.
    /// </summary>
    public int BestEpoch { get; }

    /// <summary>The flat parameters used by scoring and training.</summary>
    internal NetworkParameters<float> Network { get; }

    /// <summary>The logit <c>u3</c> for one example (for inspection; pipelines score through ML.NET's transformer).</summary>
    /// <param name="features">The <see cref="InputCount"/> feature values.</param>
    public float PredictLogit(ReadOnlySpan<float> features)
    {
        if (features.Length != InputCount)
        {
            throw new ArgumentException($"The network expects {InputCount} features, got {features.Length}.", nameof(features));
        }

        var ws = new Workspace<float>(Network.Layout, 1);
        Backpropagation.Forward(Network, InputBatch<float>.FromDense(features, 1, InputCount), ws);
        return ws.U3(1)[0];
    }

    /// <summary>ML.NET's kind of predictor: a binary classifier.</summary>
    PredictionKind IPredictor.PredictionKind => PredictionKind.BinaryClassification;

    /// <summary>The probability <c>ŷ = σ(u3)</c> for one example.</summary>
    /// <param name="features">The <see cref="InputCount"/> feature values.</param>
    public float PredictProbability(ReadOnlySpan<float> features) => BinaryCrossEntropy.Sigmoid(PredictLogit(features));

    /// <inheritdoc/>
    public override string ToString() =>
        $"BackpropMlp {InputCount}→{string.Join("→", Network.Layout.HiddenSizes.Select((size, l) => $"{size} {Network.Activations[l]}"))}→1 sigmoid";

    /// <summary>MathNet copies of the flat parameters' hidden layers (the matrices filled straight from the flat vector).</summary>
    private static MlpLayerWeights[] BuildHiddenLayers(NetworkParameters<float> network)
    {
        float[] values = network.Values;
        var layers = new MlpLayerWeights[network.Layout.LayerCount];
        for (int l = 0; l < layers.Length; l++)
        {
            int inputs = network.Layout.LayerInputCount(l), outputs = network.Layout.HiddenSizes[l], offset = network.Layout.WeightOffset(l);
            layers[l] = new MlpLayerWeights(
                Matrix<float>.Build.Dense(inputs, outputs, (i, j) => values[offset + (i * outputs) + j]),
                Vector<float>.Build.Dense(network.b(l).ToArray()),
                network.Activations[l]);
        }

        return layers;
    }

    private static NetworkParameters<float> ToNetwork(IEnumerable<MlpLayerWeights> hiddenLayers, Vector<float> outputWeights, float outputBias)
    {
        ArgumentNullException.ThrowIfNull(hiddenLayers);
        ArgumentNullException.ThrowIfNull(outputWeights);
        MlpLayerWeights[] layers = hiddenLayers.ToArray();
        if (layers.Length == 0)
        {
            throw new ArgumentException("At least one hidden layer is needed.", nameof(hiddenLayers));
        }

        for (int l = 0; l < layers.Length; l++)
        {
            if (layers[l] is null)
            {
                throw new ArgumentException($"Hidden layer {l} is null.", nameof(hiddenLayers));
            }

            if (l > 0 && layers[l].InputCount != layers[l - 1].OutputCount)
            {
                throw new ArgumentException(
                    $"Hidden layer {l} has {layers[l].InputCount} inputs (weight rows) but layer {l - 1} has {layers[l - 1].OutputCount} outputs; they must match.",
                    nameof(hiddenLayers));
            }
        }

        if (outputWeights.Count != layers[^1].OutputCount)
        {
            throw new ArgumentException($"U has {outputWeights.Count} entries but the last hidden layer has {layers[^1].OutputCount} units.", nameof(outputWeights));
        }

        if (!float.IsFinite(outputBias) || outputWeights.Enumerate().Any(v => !float.IsFinite(v)))
        {
            throw new ArgumentException("U and c must be finite.", nameof(outputWeights));
        }

        var layout = new ParameterLayout(layers[0].InputCount, layers.Select(l => l.OutputCount).ToArray());
        var net = new NetworkParameters<float>(layout, layers.Select(l => l.Activation).ToArray());
        for (int l = 0; l < layers.Length; l++)
        {
            layers[l].Weights.ToRowMajorArray().CopyTo(net.W(l));
            layers[l].Bias.ToArray().CopyTo(net.b(l));
        }

        outputWeights.ToArray().CopyTo(net.U);
        net.c = outputBias;
        return net;
    }
}
