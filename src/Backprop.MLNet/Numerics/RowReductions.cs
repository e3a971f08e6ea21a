using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.MLNet.Numerics;

/// <summary>Reductions over the rows of a row-major block (the bias gradients <c>Σ_rows δu</c>).</summary>
internal static class RowReductions
{
    /// <summary><c>sums[j] = Σ_i m[i, j]</c>, summed in row order (deterministic).</summary>
    public static void SumRows<T>(ReadOnlySpan<T> m, int rows, int cols, Span<T> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        sums.Slice(0, cols).Clear();
        for (int i = 0; i < rows; i++)
        {
            TensorPrimitives.Add(sums.Slice(0, cols), m.Slice(i * cols, cols), sums.Slice(0, cols));
        }
    }
}
