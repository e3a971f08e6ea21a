using System.Numerics;
using Backprop.MLNet.Network;

namespace Backprop.MLNet.Training;

/// <summary>Mini-batches of given rows of a <see cref="TrainingSet{T}"/> held in memory (row indices; the set is never copied).</summary>
internal sealed class InMemoryBatches<T> : IBatchSource<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly TrainingSet<T> set;
    private readonly int[] rows;
    private readonly int batchRows;
    private BatchAssembler<T> batch;
    private int next;

    /// <summary>Batches of up to <paramref name="batchRows"/> of the given <paramref name="rows"/> (0: all of them at once).</summary>
    public InMemoryBatches(TrainingSet<T> set, int[] rows, int batchRows)
    {
        this.set = set;
        this.rows = rows;
        this.batchRows = batchRows == 0 ? Math.Max(1, rows.Length) : Math.Max(1, Math.Min(batchRows, rows.Length));
        batch = new BatchAssembler<T>(set, this.batchRows);
    }

    /// <inheritdoc/>
    public int Columns => set.Columns;

    /// <inheritdoc/>
    public bool IsSparse => set.IsSparse;

    /// <inheritdoc/>
    public int MaxBatchRows => batchRows;

    /// <inheritdoc/>
    public int BackgroundThreads => 0;

    /// <summary>The rows this source reads.</summary>
    public ReadOnlySpan<int> Rows => rows;

    /// <inheritdoc/>
    public FeatureStatistics ComputeStatistics()
    {
        var statistics = new FeatureStatistics(set.Columns, set.IsSparse);
        foreach (int row in rows)
        {
            double weight = set.Weights is null ? 1 : double.CreateChecked(set.Weights[row]);
            if (set.IsSparse)
            {
                int start = set.RowStarts![row], end = set.RowStarts[row + 1];
                statistics.AddSparse<T>(set.Values.AsSpan(start, end - start), set.Indices.AsSpan(start, end - start), weight);
            }
            else
            {
                statistics.AddDense<T>(set.Dense.AsSpan(row * set.Columns, set.Columns), weight);
            }
        }

        return statistics;
    }

    /// <inheritdoc/>
    public void UseScaling(FeatureScaling<T>? scaling) => batch = new BatchAssembler<T>(set, batchRows, scaling);

    /// <inheritdoc/>
    public void BeginPass(DeterministicRandom? shuffle)
    {
        shuffle?.Shuffle(rows);
        next = 0;
    }

    /// <inheritdoc/>
    public bool NextBatch()
    {
        if (next >= rows.Length)
        {
            return false;
        }

        int n = Math.Min(batchRows, rows.Length - next);
        batch.Gather(rows.AsSpan(next, n));
        next += n;
        return true;
    }

    /// <inheritdoc/>
    public InputBatch<T> Features => batch.Features;

    /// <inheritdoc/>
    public ReadOnlySpan<T> Labels => batch.Labels;

    /// <inheritdoc/>
    public ReadOnlySpan<T> Weights => batch.Weights;
}
