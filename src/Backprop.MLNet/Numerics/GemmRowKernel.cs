using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// <c>c (=|+=) xᵀ·B</c> for one row x (length k) and a row-major k×n B, reducing every output in exactly the
/// order of the blocked kernel: k cut into the same blocks (<see cref="GemmBlocked.MaxBlockDepth"/>, balanced),
/// within a block one fused multiply-add per k step from zero, then the block's sum stored or added to C.
/// A row scored alone thus matches, bit for bit, the same row scored in a block of many.
/// </summary>
internal static class GemmRowKernel
{
    /// <summary>Computes the row-vector product (AVX2/FMA required).</summary>
    /// <param name="x">The row, length k.</param>
    /// <param name="b">B, row-major.</param>
    /// <param name="ldb">Row stride of B.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="c">The output row, length n.</param>
    /// <param name="accumulate">True to add to C.</param>
    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> b, int ldb, int k, int n, Span<float> c, bool accumulate)
    {
        int blocks = (k + GemmBlocked.MaxBlockDepth - 1) / GemmBlocked.MaxBlockDepth;
        int depthStep = Math.Min((k + blocks - 1) / blocks, GemmBlocked.MaxBlockDepth);
        ref float bStart = ref MemoryMarshal.GetReference(b);
        ref float cStart = ref MemoryMarshal.GetReference(c);
        for (int depthStart = 0; depthStart < k; depthStart += depthStep)
        {
            int depthEnd = Math.Min(depthStart + depthStep, k);
            bool addToC = accumulate || depthStart > 0;
            int j = 0;
            for (; j <= n - 8; j += 8)
            {
                Vector256<float> sum = Vector256<float>.Zero;
                for (int p = depthStart; p < depthEnd; p++)
                {
                    sum = Fma.MultiplyAdd(Vector256.Create(x[p]), Vector256.LoadUnsafe(ref bStart, (nuint)(p * ldb + j)), sum);
                }

                if (addToC)
                {
                    sum = Avx.Add(sum, Vector256.LoadUnsafe(ref cStart, (nuint)j));
                }

                sum.StoreUnsafe(ref cStart, (nuint)j);
            }

            for (; j < n; j++)
            {
                float sum = 0;
                for (int p = depthStart; p < depthEnd; p++)
                {
                    sum = MathF.FusedMultiplyAdd(x[p], b[p * ldb + j], sum);
                }

                c[j] = addToC ? sum + c[j] : sum;
            }
        }
    }
}
