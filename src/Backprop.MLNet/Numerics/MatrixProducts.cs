using System.Numerics;

namespace Backprop.MLNet.Numerics;

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
