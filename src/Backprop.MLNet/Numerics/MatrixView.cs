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
        stride = stride < 0 ? columns : stride;
        if (rows < 0 || columns < 0 || stride < columns || (rows > 0 && storage.Length < (long)(rows - 1) * stride + columns))
        {
            throw new ArgumentException($"A {rows}×{columns} view with row stride {stride} needs more than the {storage.Length} values given.", nameof(storage));
        }

        Storage = storage;
        Rows = rows;
        Columns = columns;
        Stride = stride;
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
        stride = stride < 0 ? columns : stride;
        if (rows < 0 || columns < 0 || stride < columns || (rows > 0 && storage.Length < (long)(rows - 1) * stride + columns))
        {
            throw new ArgumentException($"A {rows}×{columns} view with row stride {stride} needs more than the {storage.Length} values given.", nameof(storage));
        }

        Storage = storage;
        Rows = rows;
        Columns = columns;
        Stride = stride;
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

/// <summary>The matrix products of the forward and backward passes, by name, with their shapes checked.</summary>
internal static class MatrixProducts
{
    /// <summary><c>C = A·B</c> (A m×k, B k×n, C m×n).</summary>
    public static void Multiply<T>(ReadOnlyMatrixView<T> a, ReadOnlyMatrixView<T> b, MatrixView<T> c, int maxThreads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes("A·B", a.Rows, a.Columns, b.Rows, b.Columns, c);
        Gemm.Multiply<T>(Transpose.No, Transpose.No, c.Rows, c.Columns, a.Columns, a.Storage, a.Stride, b.Storage, b.Stride, c.Storage, c.Stride, accumulate: false, maxThreads);
    }

    /// <summary><c>C = Aᵀ·B</c> (A k×m, B k×n, C m×n): a weight gradient <c>∂W = inputᵀ·δu</c>.</summary>
    public static void MultiplyTransposedByMatrix<T>(ReadOnlyMatrixView<T> a, ReadOnlyMatrixView<T> b, MatrixView<T> c, int maxThreads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes("Aᵀ·B", a.Columns, a.Rows, b.Rows, b.Columns, c);
        Gemm.Multiply<T>(Transpose.Yes, Transpose.No, c.Rows, c.Columns, a.Rows, a.Storage, a.Stride, b.Storage, b.Stride, c.Storage, c.Stride, accumulate: false, maxThreads);
    }

    /// <summary><c>C = A·Bᵀ</c> (A m×k, B n×k, C m×n): a delta sent back through a layer, <c>δh = δu·Wᵀ</c>.</summary>
    public static void MultiplyByTransposed<T>(ReadOnlyMatrixView<T> a, ReadOnlyMatrixView<T> b, MatrixView<T> c, int maxThreads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes("A·Bᵀ", a.Rows, a.Columns, b.Columns, b.Rows, c);
        Gemm.Multiply<T>(Transpose.No, Transpose.Yes, c.Rows, c.Columns, a.Columns, a.Storage, a.Stride, b.Storage, b.Stride, c.Storage, c.Stride, accumulate: false, maxThreads);
    }

    /// <summary>Left operand (as used) m×k, right k'×n, result: k must equal k' and C must be m×n.</summary>
    private static void CheckShapes<T>(string product, int m, int k, int rightRows, int n, MatrixView<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (k != rightRows || c.Rows != m || c.Columns != n)
        {
            throw new ArgumentException($"{product}: a {m}×{k} by a {rightRows}×{n} matrix cannot give a {c.Rows}×{c.Columns} one.");
        }
    }
}
