using System.Numerics;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// A rows × columns matrix over row-major storage (row i starts at <c>i·Stride</c>): what the products of
/// <see cref="MatrixProducts"/> take, so that a product names its operands instead of passing twelve positional sizes.
/// </summary>
internal readonly ref struct MatrixView<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A view of <paramref name="rows"/> × <paramref name="columns"/> values of <paramref name="storage"/>, rows <paramref name="stride"/> apart (default: packed).</summary>
    /// <exception cref="ArgumentException">The storage is too short for the shape.</exception>
    public MatrixView(Span<T> storage, int rows, int columns, int stride = -1)
    {
        Storage = storage;
        Rows = rows;
        Columns = columns;
        Stride = MatrixShape.CheckedStride(storage.Length, rows, columns, stride);
    }

    /// <summary>The values, from the first row's first one.</summary>
    public Span<T> Storage { get; }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>Distance between the starts of two rows.</summary>
    public int Stride { get; }

    /// <summary>Row <paramref name="i"/>.</summary>
    public Span<T> Row(int i) => Storage.Slice(i * Stride, Columns);

    /// <summary>The same matrix, read-only.</summary>
    public static implicit operator ReadOnlyMatrixView<T>(MatrixView<T> matrix) => new(matrix.Storage, matrix.Rows, matrix.Columns, matrix.Stride);
}

/// <summary>A read-only <see cref="MatrixView{T}"/>: the operands of a product.</summary>
internal readonly ref struct ReadOnlyMatrixView<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A view of <paramref name="rows"/> × <paramref name="columns"/> values of <paramref name="storage"/>, rows <paramref name="stride"/> apart (default: packed).</summary>
    /// <exception cref="ArgumentException">The storage is too short for the shape.</exception>
    public ReadOnlyMatrixView(ReadOnlySpan<T> storage, int rows, int columns, int stride = -1)
    {
        Storage = storage;
        Rows = rows;
        Columns = columns;
        Stride = MatrixShape.CheckedStride(storage.Length, rows, columns, stride);
    }

    /// <summary>The values, from the first row's first one.</summary>
    public ReadOnlySpan<T> Storage { get; }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>Distance between the starts of two rows.</summary>
    public int Stride { get; }
}

/// <summary>The shape check both views share.</summary>
internal static class MatrixShape
{
    /// <summary>The row stride (<paramref name="stride"/>, or <paramref name="columns"/> when negative) after checking that <paramref name="length"/> values hold the shape.</summary>
    /// <exception cref="ArgumentException">The storage is too short for the shape, or the shape is negative.</exception>
    public static int CheckedStride(int length, int rows, int columns, int stride)
    {
        stride = stride < 0 ? columns : stride;
        if (rows < 0 || columns < 0 || stride < columns || (rows > 0 && length < (long)(rows - 1) * stride + columns))
        {
            throw new ArgumentException($"A {rows}×{columns} view with row stride {stride} needs more than the {length} values given.", "storage");
        }

        return stride;
    }
}
