using System.Numerics;
using Backprop.MLNet.Network;

namespace Backprop.MLNet.Training;

/// <summary>
/// Gathers the rows of a mini-batch (given by row indices) into reusable buffers: the batch's
/// features, labels and weights. Rows that are already contiguous in a dense set are used in place, unless the
/// features are scaled (<see cref="FeatureScaling{T}"/>): then each row is scaled as it is copied.
/// </summary>
internal sealed class BatchAssembler<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly TrainingSet<T> set;
    private readonly FeatureScaling<T>? scaling;
    private readonly T[] labels;
    private readonly T[]? weights;
    private readonly T[]? dense;
    private readonly int[]? rowStarts;
    private T[] values = [];
    private int[] indices = [];
    private int rows;
    private bool inPlace;
    private int firstRow;

    /// <summary>Creates buffers for batches of up to <paramref name="maxRows"/> rows of <paramref name="set"/>, scaled by <paramref name="scaling"/> if given.</summary>
    public BatchAssembler(TrainingSet<T> set, int maxRows, FeatureScaling<T>? scaling = null)
    {
        this.set = set;
        this.scaling = scaling;
        labels = new T[maxRows];
        weights = set.Weights is null ? null : new T[maxRows];
        if (set.IsSparse)
        {
            rowStarts = new int[maxRows + 1];
        }
        else
        {
            dense = new T[(long)maxRows * set.Columns <= Array.MaxLength ? maxRows * set.Columns : throw new InvalidOperationException("Batch too large.")];
        }
    }

    /// <summary>Gathers the given rows.</summary>
    public void Gather(ReadOnlySpan<int> rowIndices)
    {
        rows = rowIndices.Length;
        for (int i = 0; i < rows; i++)
        {
            labels[i] = set.Labels[rowIndices[i]];
            if (weights is not null)
            {
                weights[i] = set.Weights![rowIndices[i]];
            }
        }

        if (set.IsSparse)
        {
            GatherSparse(rowIndices);
            return;
        }

        inPlace = scaling is null && IsContiguous(rowIndices);
        if (inPlace)
        {
            firstRow = rowIndices.IsEmpty ? 0 : rowIndices[0];
            return;
        }

        int d = set.Columns;
        for (int i = 0; i < rows; i++)
        {
            Span<T> row = dense.AsSpan(i * d, d);
            set.Dense.AsSpan(rowIndices[i] * d, d).CopyTo(row);
            scaling?.ScaleDense(row);
        }
    }

    /// <summary>The gathered features.</summary>
    public InputBatch<T> Features => set.IsSparse
        ? InputBatch<T>.FromSparse(values.AsSpan(0, rowStarts![rows]), indices.AsSpan(0, rowStarts[rows]), rowStarts.AsSpan(0, rows + 1), set.Columns)
        : InputBatch<T>.FromDense(inPlace ? set.Dense.AsSpan(firstRow * set.Columns, rows * set.Columns) : dense.AsSpan(0, rows * set.Columns), rows, set.Columns);

    /// <summary>The gathered labels.</summary>
    public ReadOnlySpan<T> Labels => labels.AsSpan(0, rows);

    /// <summary>The gathered example weights (empty when the set has none).</summary>
    public ReadOnlySpan<T> Weights => weights is null ? default : weights.AsSpan(0, rows);

    private static bool IsContiguous(ReadOnlySpan<int> rowIndices)
    {
        for (int i = 1; i < rowIndices.Length; i++)
        {
            if (rowIndices[i] != rowIndices[i - 1] + 1)
            {
                return false;
            }
        }

        return true;
    }

    private void GatherSparse(ReadOnlySpan<int> rowIndices)
    {
        int nonZeros = 0;
        foreach (int r in rowIndices)
        {
            nonZeros += set.RowLength(r);
        }

        if (values.Length < nonZeros)
        {
            // Grows to the largest batch seen, then stays: no allocation in steady state.
            values = new T[nonZeros];
            indices = new int[nonZeros];
        }

        int p = 0;
        rowStarts![0] = 0;
        for (int i = 0; i < rows; i++)
        {
            int start = set.RowStarts![rowIndices[i]];
            int length = set.RowLength(rowIndices[i]);
            set.Values.AsSpan(start, length).CopyTo(values.AsSpan(p, length));
            set.Indices.AsSpan(start, length).CopyTo(indices.AsSpan(p, length));
            scaling?.ScaleSparse(values.AsSpan(p, length), indices.AsSpan(p, length));
            p += length;
            rowStarts[i + 1] = p;
        }
    }
}
