using System.Numerics;

namespace Backprop.MLNet.Network;

/// <summary>
/// A mini-batch of inputs <c>x</c> (rows are examples): either dense row-major rows×columns, or sparse
/// in compressed-row form (values, column indices, row starts), so that text-like features cost in
/// proportion to their non-zeros.
/// </summary>
internal readonly ref struct InputBatch<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private InputBatch(int rows, int columns, ReadOnlySpan<T> dense, ReadOnlySpan<T> values, ReadOnlySpan<int> indices, ReadOnlySpan<int> rowStarts, bool isSparse)
    {
        Rows = rows;
        Columns = columns;
        Dense = dense;
        Values = values;
        Indices = indices;
        RowStarts = rowStarts;
        IsSparse = isSparse;
    }

    /// <summary>Number of examples.</summary>
    public int Rows { get; }

    /// <summary>Number of features <c>d</c>.</summary>
    public int Columns { get; }

    /// <summary>Whether the batch is in compressed-row form.</summary>
    public bool IsSparse { get; }

    /// <summary>Dense rows×columns values (dense batches only).</summary>
    public ReadOnlySpan<T> Dense { get; }

    /// <summary>Non-zero values (sparse batches only).</summary>
    public ReadOnlySpan<T> Values { get; }

    /// <summary>Column index of each non-zero (sparse batches only).</summary>
    public ReadOnlySpan<int> Indices { get; }

    /// <summary>Start of each row in <see cref="Values"/>, plus one final end (sparse batches only).</summary>
    public ReadOnlySpan<int> RowStarts { get; }

    /// <summary>A dense batch of <paramref name="rows"/> × <paramref name="columns"/> values.</summary>
    public static InputBatch<T> FromDense(ReadOnlySpan<T> values, int rows, int columns)
    {
        if (values.Length < rows * columns)
        {
            throw new ArgumentException($"A dense batch of {rows}×{columns} needs {rows * columns} values, got {values.Length}.", nameof(values));
        }

        return new InputBatch<T>(rows, columns, values.Slice(0, rows * columns), default, default, default, false);
    }

    /// <summary>A sparse batch in compressed-row form; <paramref name="rowStarts"/> has rows + 1 entries.</summary>
    public static InputBatch<T> FromSparse(ReadOnlySpan<T> values, ReadOnlySpan<int> indices, ReadOnlySpan<int> rowStarts, int columns)
    {
        if (rowStarts.Length == 0)
        {
            throw new ArgumentException("rowStarts needs rows + 1 entries.", nameof(rowStarts));
        }

        return new InputBatch<T>(rowStarts.Length - 1, columns, default, values, indices, rowStarts, true);
    }
}
