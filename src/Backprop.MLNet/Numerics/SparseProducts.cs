using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// Products of a compressed-row sparse matrix with dense row-major matrices: cost proportional to the
/// non-zeros times the dense width, never to the sparse matrix's column count.
/// </summary>
internal static class SparseProducts
{
    /// <summary><c>C (rows×n) = S·B</c>, with S sparse rows×k and B dense k×n row-major.</summary>
    public static void Multiply<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> indices, ReadOnlySpan<int> rowStarts, ReadOnlySpan<T> b, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = rowStarts.Length - 1;
        for (int i = 0; i < rows; i++)
        {
            Span<T> ci = c.Slice(i * n, n);
            ci.Clear();
            for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++)
            {
                TensorPrimitives.MultiplyAdd(b.Slice(indices[p] * n, n), values[p], ci, ci);
            }
        }
    }

    /// <summary><c>C (k×n) += Sᵀ·D</c>, with S sparse rows×k and D dense rows×n; touches only rows of C that S uses.</summary>
    public static void MultiplyTransposedAccumulate<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> indices, ReadOnlySpan<int> rowStarts, ReadOnlySpan<T> d, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = rowStarts.Length - 1;
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<T> di = d.Slice(i * n, n);
            for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++)
            {
                Span<T> cRow = c.Slice(indices[p] * n, n);
                TensorPrimitives.MultiplyAdd(di, values[p], cRow, cRow);
            }
        }
    }
}
