using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// General matrix product on row-major storage: <c>C = op(A)·op(B)</c> or <c>C += op(A)·op(B)</c>,
/// where <c>op(A)</c> is m×k and <c>op(B)</c> is k×n. Knows nothing about layers.
/// </summary>
/// <remarks>
/// <para>
/// Every element of C is reduced over k in one fixed order, whatever the thread count, so results are
/// bit-identical for 1 or more threads.
/// </para>
/// <para>
/// Routes: a single row or column of C goes to <see cref="GemmVectorProducts"/>; float on AVX2+FMA goes to the
/// packed 6×16 kernel of <see cref="GemmBlocked"/> (shared by <see cref="GemmThreading"/> when m·n·k reaches
/// <see cref="ParallelThreshold"/>); anything else to <see cref="GemmPortable"/>. The route depends only on the
/// shape and T, never on <c>maxThreads</c>.
/// </para>
/// </remarks>
internal static class Gemm
{
    /// <summary>
    /// Smallest m·n·k (multiply-adds) worth sharing among threads: about 15 µs of single-thread work, where
    /// the ~1–2 µs of handing a slice to a spinning worker (and packing the shared operand twice) still pays.
    /// </summary>
    public const long ParallelThreshold = 1_000_000;

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
        CheckOperand(nameof(a), a.Length, transA == Transpose.No ? m : k, transA == Transpose.No ? k : m, lda);
        CheckOperand(nameof(b), b.Length, transB == Transpose.No ? k : n, transB == Transpose.No ? n : k, ldb);
        CheckOperand(nameof(c), c.Length, m, n, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            // An empty sum: C = 0, or C unchanged when accumulating.
            if (!accumulate)
            {
                for (int i = 0; i < m; i++)
                {
                    c.Slice(i * ldc, n).Clear();
                }
            }

            return;
        }

        if (m == 1 || n == 1)
        {
            GemmVectorProducts.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        }
        else if (typeof(T) == typeof(float) && GemmMicroKernel.IsSupported)
        {
            MultiplySingle(
                transA, transB, m, n, k,
                MemoryMarshal.Cast<T, float>(a), lda, MemoryMarshal.Cast<T, float>(b), ldb,
                MemoryMarshal.Cast<T, float>(c), ldc, accumulate, maxThreads);
        }
        else
        {
            GemmPortable.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        }
    }

    /// <summary>The packed AVX2/FMA path, shared among threads when the product is large enough to pay for it.</summary>
    private static unsafe void MultiplySingle(
        Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate, int maxThreads)
    {
        fixed (float* aPointer = a)
        fixed (float* bPointer = b)
        fixed (float* cPointer = c)
        {
            var operands = new GemmOperands(transA, transB, m, n, k, aPointer, lda, bPointer, ldb, cPointer, ldc, accumulate);
            int parts = Math.Min(maxThreads, GemmThreading.AvailableThreads);
            if (parts < 2 || (long)m * n * k < ParallelThreshold)
            {
                GemmBlocked.Multiply(operands);
                return;
            }

            // Each slice packs all of the operand that is not split, so split the dimension that duplicates
            // the smaller packing (rows of C duplicate op(B), k×n; columns duplicate op(A), m×k).
            int rowTiles = (m + GemmMicroKernel.Rows - 1) / GemmMicroKernel.Rows;
            int columnTiles = (n + GemmMicroKernel.Columns - 1) / GemmMicroKernel.Columns;
            bool splitRows = n <= m;
            if ((splitRows ? rowTiles : columnTiles) < parts)
            {
                splitRows = rowTiles > columnTiles; // too few tiles that way: take the longer dimension
            }

            parts = Math.Min(parts, splitRows ? rowTiles : columnTiles);
            if (parts < 2)
            {
                GemmBlocked.Multiply(operands);
                return;
            }

            GemmThreading.MultiplyInParallel(
                operands, parts, splitRows, splitRows ? GemmMicroKernel.Rows : GemmMicroKernel.Columns);
        }
    }

    /// <summary>
    /// Throws unless a rows×cols operand with row stride <paramref name="stride"/> fits in <paramref name="length"/> elements.
    /// </summary>
    private static void CheckOperand(string name, int length, int rows, int cols, int stride)
    {
        if (rows < 0 || cols < 0)
        {
            throw new ArgumentOutOfRangeException(name, "Matrix dimensions must not be negative.");
        }

        if (rows == 0 || cols == 0)
        {
            return;
        }

        if (stride < cols)
        {
            throw new ArgumentOutOfRangeException(name, $"The leading dimension {stride} is smaller than the row width {cols}.");
        }

        if ((long)(rows - 1) * stride + cols > length)
        {
            throw new ArgumentException($"A {rows}×{cols} matrix with leading dimension {stride} needs more than the {length} elements given.", name);
        }
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
