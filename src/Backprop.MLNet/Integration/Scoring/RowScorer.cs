using Backprop.MLNet.Network;
using Backprop.MLNet.Numerics;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Scoring;

/// <summary>
/// The logit of one row at a time, for ML.NET's row-by-row scorer and <c>PredictionEngine</c>: the network's forward
/// pass on a one-row batch, dense or sparse as the row comes, with buffers of its own (one instance per cursor).
/// A row scored here gets the same bits as in a block of the batched forward pass.
/// </summary>
internal sealed class RowScorer
{
    private readonly NetworkParameters<float> network;
    private readonly Workspace<float> workspace;
    private readonly int[] sparseRowStarts = new int[2];

    /// <summary>Creates a scorer with its own one-row buffers.</summary>
    public RowScorer(NetworkParameters<float> network)
    {
        this.network = network;
        workspace = new Workspace<float>(network.Layout, 1);
    }

    /// <summary>
    /// <c>u3</c> for <paramref name="features"/>; NaN when a feature is NaN or infinite (as ML.NET's linear models score
    /// missing values).
    /// </summary>
    /// <exception cref="InvalidOperationException">The vector's length is not the network's input count.</exception>
    public float Logit(in VBuffer<float> features)
    {
        int d = network.Layout.InputCount;
        if (features.Length != d)
        {
            throw new InvalidOperationException(
                $"A feature vector of {features.Length} values reached a BackpropMlp network that expects {d}: a row of the wrong length " +
                "(for example an array of another size in LoadFromEnumerable). Every row's feature vector must have the column's size.");
        }

        ReadOnlySpan<float> values = features.GetValues();
        if (FiniteValues.IndexOfNonFinite(values) >= 0)
        {
            return float.NaN;
        }

        InputBatch<float> x;
        if (features.IsDense)
        {
            x = InputBatch<float>.FromDense(values, 1, d);
        }
        else
        {
            sparseRowStarts[1] = values.Length;
            x = InputBatch<float>.FromSparse(values, features.GetIndices(), sparseRowStarts, d);
        }

        Backpropagation.Forward(network, x, workspace);
        return workspace.U3(1)[0];
    }
}
