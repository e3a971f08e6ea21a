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
    /// <summary>Rows evaluated at once.</summary>
    public const int ChunkRows = 1024;

    private readonly IBatchSource<T> rows;
    private readonly Workspace<T> workspace;

    /// <summary>Prepares to evaluate the rows of <paramref name="rows"/> (read in their order, scaled as the source scales them).</summary>
    public LossEvaluator(ParameterLayout layout, IBatchSource<T> rows)
    {
        this.rows = rows;
        workspace = new Workspace<T>(layout, rows.MaxBatchRows);
    }

    /// <summary>The mean loss; NaN when every row has weight 0.</summary>
    public double MeanLoss(NetworkParameters<T> net, int maxThreads)
    {
        double lossSum = 0, weightSum = 0;
        rows.BeginPass(shuffle: null);
        while (rows.NextBatch())
        {
            if (!HasPositiveWeight(rows.Weights))
            {
                continue;
            }

            InputBatch<T> x = rows.Features;
            int n = x.Rows;
            Backpropagation.Forward(net, x, workspace, maxThreads);
            (T loss, T weight) = BinaryCrossEntropy.LossAndOutputDelta<T>(workspace.U3(n), rows.Labels, rows.Weights, workspace.DeltaU3(n));
            lossSum += double.CreateChecked(loss * weight);
            weightSum += double.CreateChecked(weight);
        }

        return weightSum > 0 ? lossSum / weightSum : double.NaN;
    }

    /// <summary>How much the logits vary over the rows: their span and how many rows tie on one value.</summary>
    public ScoreSpread LogitSpread(NetworkParameters<T> net, int maxThreads)
    {
        T lowest = T.PositiveInfinity, highest = T.NegativeInfinity;
        // Ties are counted for the first few distinct values only: a saturated network's common score shows up early,
        // and the count stays bounded on any number of rows.
        var counts = new Dictionary<T, long>();
        long total = 0;
        rows.BeginPass(shuffle: null);
        while (rows.NextBatch())
        {
            InputBatch<T> x = rows.Features;
            Backpropagation.Forward(net, x, workspace, maxThreads);
            foreach (T u3 in workspace.U3(x.Rows))
            {
                lowest = T.Min(lowest, u3);
                highest = T.Max(highest, u3);
                total++;
                if (counts.TryGetValue(u3, out long count))
                {
                    counts[u3] = count + 1;
                }
                else if (counts.Count < TrackedScores)
                {
                    counts[u3] = 1;
                }
            }
        }

        double span = highest >= lowest ? double.CreateChecked(highest - lowest) : 0;
        return new ScoreSpread(span, total == 0 ? 0 : counts.Values.DefaultIfEmpty().Max() / (double)total);
    }

    /// <summary>Distinct scores whose ties <see cref="LogitSpread"/> counts.</summary>
    private const int TrackedScores = 64;

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
