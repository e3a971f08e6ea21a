using System.Numerics;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// General matrix product on row-major storage: <c>C = op(A)·op(B)</c> or <c>C += op(A)·op(B)</c>,
/// where <c>op(A)</c> is m×k and <c>op(B)</c> is k×n. Knows nothing about layers.
/// </summary>
/// <remarks>
/// Every element of C is reduced over k in one fixed order, whatever the thread count, so results are
/// bit-identical for 1 or more threads.
/// </remarks>
internal static class Gemm
{
    /// <summary>Computes <c>C (m×n, leading dimension ldc) = [C +] op(A)·op(B)</c>.</summary>
    /// <param name="transA">Whether A is stored transposed (then A is k×m, lda ≥ m).</param>
    /// <param name="transB">Whether B is stored transposed (then B is n×k, ldb ≥ k).</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="a">Storage of A, row-major.</param>
    /// <param name="lda">Leading dimension (row stride) of A as stored.</param>
    /// <param name="b">Storage of B, row-major.</param>
    /// <param name="ldb">Leading dimension (row stride) of B as stored.</param>
    /// <param name="c">Storage of C, row-major.</param>
    /// <param name="ldc">Leading dimension of C.</param>
    /// <param name="accumulate">If true, C += product; otherwise C = product.</param>
    /// <param name="maxThreads">Largest number of threads the product may use (1 = caller's thread only).</param>
    public static void Multiply<T>(
        Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        Span<T> c, int ldc, bool accumulate, int maxThreads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Reference(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    /// <summary>The textbook triple loop: the oracle the fast kernels are tested against.</summary>
    internal static void Reference<T>(
        Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    T aip = transA == Transpose.No ? a[i * lda + p] : a[p * lda + i];
                    T bpj = transB == Transpose.No ? b[p * ldb + j] : b[j * ldb + p];
                    sum += aip * bpj;
                }

                c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
            }
        }
    }
}
