using System.Numerics;
using Backprop.MLNet.Numerics;

namespace Backprop.MLNet.Training;

/// <summary>
/// Training rows held in memory once: features dense (row-major rows×columns) or sparse (compressed
/// rows), labels 0/1, optional example weights. Batches and validation splits refer to rows by index,
/// so no copy of the feature matrix is ever made.
/// </summary>
internal sealed class TrainingSet<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private TrainingSet(int rows, int columns, T[]? dense, T[]? values, int[]? indices, int[]? rowStarts, T[] labels, T[]? weights)
    {
        Rows = rows;
        Columns = columns;
        Dense = dense;
        Values = values;
        Indices = indices;
        RowStarts = rowStarts;
        Labels = labels;
        Weights = weights;
        Validate();
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of features.</summary>
    public int Columns { get; }

    /// <summary>Whether features are stored as compressed rows.</summary>
    public bool IsSparse => RowStarts is not null;

    /// <summary>Dense features (rows×columns), or null when sparse.</summary>
    public T[]? Dense { get; }

    /// <summary>Sparse non-zero values, or null when dense.</summary>
    public T[]? Values { get; }

    /// <summary>Sparse column indices (ascending within a row), or null when dense.</summary>
    public int[]? Indices { get; }

    /// <summary>Sparse row starts (rows + 1 entries), or null when dense.</summary>
    public int[]? RowStarts { get; }

    /// <summary>Labels, 0 or 1.</summary>
    public T[] Labels { get; }

    /// <summary>Example weights (≥ 0), or null for all ones.</summary>
    public T[]? Weights { get; }

    /// <summary>Rows from a dense row-major feature matrix.</summary>
    public static TrainingSet<T> FromDense(T[] features, int rows, int columns, T[] labels, T[]? weights = null)
    {
        if (columns <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(columns), columns, "The data needs at least one feature column.");
        }

        // The array may be longer (spare capacity left by a reader that grew it); only rows×columns are used.
        if (features.LongLength < (long)rows * columns)
        {
            throw new ArgumentException($"Expected {rows}×{columns} = {(long)rows * columns} feature values, got {features.LongLength}.", nameof(features));
        }

        return new TrainingSet<T>(rows, columns, features, null, null, null, labels, weights);
    }

    /// <summary>Rows from compressed sparse rows.</summary>
    /// <param name="values">Non-zero values (may be longer than used).</param>
    /// <param name="indices">Their column indices (may be longer than used).</param>
    /// <param name="rowStarts">Where each row starts, then where the last ends: at least rows + 1 entries.</param>
    /// <param name="columns">Number of features.</param>
    /// <param name="labels">One label per row.</param>
    /// <param name="weights">One weight per row, or null.</param>
    /// <param name="rows">Number of rows, when <paramref name="rowStarts"/> is longer than rows + 1 (a reused buffer); null: all of it.</param>
    public static TrainingSet<T> FromSparse(T[] values, int[] indices, int[] rowStarts, int columns, T[] labels, T[]? weights = null, int? rows = null)
    {
        if (columns <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(columns), columns, "The data needs at least one feature column.");
        }

        int n = rows ?? rowStarts.Length - 1;
        if (n < 0 || rowStarts.Length < n + 1 || rowStarts[0] != 0 || rowStarts[n] > values.Length || indices.Length < rowStarts[n])
        {
            throw new ArgumentException("Inconsistent compressed-row arrays: rowStarts must start at 0 and end within values, with one index per value.", nameof(rowStarts));
        }

        return new TrainingSet<T>(n, columns, null, values, indices, rowStarts, labels, weights);
    }

    /// <summary>Number of non-zeros of a row (its width when dense).</summary>
    public int RowLength(int row) => IsSparse ? RowStarts![row + 1] - RowStarts[row] : Columns;

    private void Validate()
    {
        if (Rows <= 0)
        {
            throw new ArgumentException("The training data has no rows.", "data");
        }

        if (Labels.Length != Rows)
        {
            throw new ArgumentException($"Expected {Rows} labels, got {Labels.Length}.", "labels");
        }

        if (Weights is not null && Weights.Length != Rows)
        {
            throw new ArgumentException($"Expected {Rows} example weights, got {Weights.Length}.", "weights");
        }

        for (int i = 0; i < Rows; i++)
        {
            if (Labels[i] != T.Zero && Labels[i] != T.One)
            {
                throw new ArgumentException($"Label of row {i} is {Labels[i]}; labels must be 0 or 1.", "labels");
            }

            if (Weights is not null && (!T.IsFinite(Weights[i]) || Weights[i] < T.Zero))
            {
                throw new ArgumentException($"Example weight of row {i} is {Weights[i]}; weights must be finite and ≥ 0.", "weights");
            }
        }

        T[] features = Dense ?? Values!;
        int used = Dense is not null ? checked(Rows * Columns) : RowStarts![Rows];
        int p = FiniteValues.IndexOfNonFinite<T>(features.AsSpan(0, used));
        if (p >= 0)
        {
            long row = Dense is not null ? p / Columns : RowOfNonZero(p);
            throw new ArgumentException($"Feature value of row {row} is {features[p]}; features must be finite (remove or impute NaN/infinite values first).", "features");
        }

        if (Indices is not null)
        {
            foreach (int index in Indices.AsSpan(0, RowStarts![Rows]))
            {
                if ((uint)index >= (uint)Columns)
                {
                    throw new ArgumentException($"Sparse column index {index} is outside [0, {Columns}).", "indices");
                }
            }
        }
    }

    private int RowOfNonZero(int p)
    {
        int row = Array.BinarySearch(RowStarts!, 0, Rows + 1, p);
        if (row < 0)
        {
            return ~row - 1;
        }

        // Skip empty rows that start at the same position.
        while (row + 1 <= Rows && RowStarts![row + 1] == p)
        {
            row++;
        }

        return row;
    }
}
