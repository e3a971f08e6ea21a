using System.Numerics;
using Backprop.MLNet.Network;

namespace Backprop.MLNet.Training;

/// <summary>
/// The example-weighted mean binary cross-entropy of a network on fixed rows (no L2 term), in chunks, with buffers
/// allocated once: the validation loss is computed after every epoch without allocating.
/// </summary>
internal sealed class LossEvaluator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int ChunkRows = 1024;

    private readonly int[] rows;
    private readonly Workspace<T> workspace;
    private readonly BatchAssembler<T> batch;

    /// <summary>Prepares to evaluate <paramref name="rows"/> of <paramref name="set"/>, features scaled by <paramref name="scaling"/> if given.</summary>
    public LossEvaluator(ParameterLayout layout, TrainingSet<T> set, int[] rows, FeatureScaling<T>? scaling)
    {
        this.rows = rows;
        int chunk = Math.Min(ChunkRows, Math.Max(1, rows.Length));
        workspace = new Workspace<T>(layout, chunk);
        batch = new BatchAssembler<T>(set, chunk, scaling);
    }

    /// <summary>The mean loss; NaN when every row has weight 0.</summary>
    public double MeanLoss(NetworkParameters<T> net, int maxThreads)
    {
        double lossSum = 0, weightSum = 0;
        for (int first = 0; first < rows.Length; first += workspace.MaxRows)
        {
            int n = Math.Min(workspace.MaxRows, rows.Length - first);
            batch.Gather(rows.AsSpan(first, n));
            if (!HasPositiveWeight(batch.Weights))
            {
                continue;
            }

            Backpropagation.Forward(net, batch.Features, workspace, maxThreads);
            (T loss, T weight) = BinaryCrossEntropy.LossAndOutputDelta<T>(workspace.U3(n), batch.Labels, batch.Weights, workspace.DeltaU3(n));
            lossSum += double.CreateChecked(loss * weight);
            weightSum += double.CreateChecked(weight);
        }

        return weightSum > 0 ? lossSum / weightSum : double.NaN;
    }

    /// <summary>Whether a batch has a row that counts (no weights: every row counts with weight 1).</summary>
    public static bool HasPositiveWeight(ReadOnlySpan<T> weights)
    {
        if (weights.IsEmpty)
        {
            return true;
        }

        foreach (T w in weights)
        {
            if (w > T.Zero)
            {
                return true;
            }
        }

        return false;
    }
}
