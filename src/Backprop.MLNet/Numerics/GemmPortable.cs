using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// The portable product for any T (double, or float on a machine without AVX2/FMA): each row of C accumulates
/// scaled rows of op(B) with <see cref="Vector{T}"/>, blocked in k and n so the rows of B being reused stay in cache.
/// </summary>
/// <remarks>
/// Every element of C is updated in increasing k order, on one thread, so results are reproducible.
/// With <c>accumulate</c>, the terms are added to C one by one rather than summed first (a different but
/// equally valid rounding).
/// </remarks>
internal static class GemmPortable
{
    /// <summary>k extent of a block: this many rows of op(B) are reused by every row of C.</summary>
    private const int DepthBlock = 128;

    /// <summary>n extent of a block (128 × 512 doubles = 512 KiB of B).</summary>
    private const int ColumnBlock = 512;

    /// <summary>Computes <c>C = [C +] op(A)·op(B)</c> (m, n, k ≥ 1); arguments as in <see cref="Gemm.Multiply{T}"/>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="transA">How A is stored.</param>
    /// <param name="transB">How B is stored.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="a">Storage of A.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">Storage of B.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="c">Storage of C.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="accumulate">True to add to C.</param>
    public static void Multiply<T>(
        Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The row sweep needs the rows of op(B) contiguous: transpose a stored-transposed B once.
        ReadOnlySpan<T> rowsB = b;
        int strideB = ldb;
        if (transB == Transpose.Yes)
        {
            Span<T> transposed = GemmScratch<T>.First(k * n);
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<T> column = b.Slice(j * ldb, k);
                for (int p = 0; p < k; p++)
                {
                    transposed[p * n + j] = column[p];
                }
            }

            rowsB = transposed;
            strideB = n;
        }

        if (!accumulate)
        {
            for (int i = 0; i < m; i++)
            {
                c.Slice(i * ldc, n).Clear();
            }
        }

        for (int column = 0; column < n; column += ColumnBlock)
        {
            int columns = Math.Min(ColumnBlock, n - column);
            for (int depthStart = 0; depthStart < k; depthStart += DepthBlock)
            {
                int depthEnd = Math.Min(depthStart + DepthBlock, k);
                for (int i = 0; i < m; i++)
                {
                    Span<T> row = c.Slice(i * ldc + column, columns);
                    int p = depthStart;
                    for (; p + 4 <= depthEnd; p += 4)
                    {
                        AddScaled4(
                            row,
                            ElementOfA(transA, a, lda, i, p), rowsB.Slice(p * strideB + column, columns),
                            ElementOfA(transA, a, lda, i, p + 1), rowsB.Slice((p + 1) * strideB + column, columns),
                            ElementOfA(transA, a, lda, i, p + 2), rowsB.Slice((p + 2) * strideB + column, columns),
                            ElementOfA(transA, a, lda, i, p + 3), rowsB.Slice((p + 3) * strideB + column, columns));
                    }

                    for (; p < depthEnd; p++)
                    {
                        AddScaled(row, ElementOfA(transA, a, lda, i, p), rowsB.Slice(p * strideB + column, columns));
                    }
                }
            }
        }
    }

    /// <summary><c>y += s·x</c> element-wise.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="y">Accumulated vector.</param>
    /// <param name="s">Scale.</param>
    /// <param name="x">Added vector, at least as long as <paramref name="y"/>.</param>
    public static void AddScaled<T>(Span<T> y, T s, ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T yStart = ref MemoryMarshal.GetReference(y);
        ref T xStart = ref MemoryMarshal.GetReference(x.Slice(0, y.Length));
        int length = y.Length;
        int width = Vector<T>.Count;
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<T>(s);
            for (; j <= length - width; j += width)
            {
                Vector<T> sum = Vector.LoadUnsafe(ref yStart, (nuint)j) + scale * Vector.LoadUnsafe(ref xStart, (nuint)j);
                sum.StoreUnsafe(ref yStart, (nuint)j);
            }
        }

        for (; j < length; j++)
        {
            Unsafe.Add(ref yStart, j) += s * Unsafe.Add(ref xStart, j);
        }
    }

    /// <summary>
    /// <c>y += s0·x0; y += s1·x1; y += s2·x2; y += s3·x3</c> in that order, with y kept in registers across the four.
    /// </summary>
    private static void AddScaled4<T>(Span<T> y, T s0, ReadOnlySpan<T> x0, T s1, ReadOnlySpan<T> x1, T s2, ReadOnlySpan<T> x2, T s3, ReadOnlySpan<T> x3)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int length = y.Length;
        ref T yStart = ref MemoryMarshal.GetReference(y);
        ref T x0Start = ref MemoryMarshal.GetReference(x0.Slice(0, length));
        ref T x1Start = ref MemoryMarshal.GetReference(x1.Slice(0, length));
        ref T x2Start = ref MemoryMarshal.GetReference(x2.Slice(0, length));
        ref T x3Start = ref MemoryMarshal.GetReference(x3.Slice(0, length));
        int width = Vector<T>.Count;
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> v0 = new(s0), v1 = new(s1), v2 = new(s2), v3 = new(s3);
            for (; j <= length - width; j += width)
            {
                nuint at = (nuint)j;
                Vector<T> sum = Vector.LoadUnsafe(ref yStart, at);
                sum += v0 * Vector.LoadUnsafe(ref x0Start, at);
                sum += v1 * Vector.LoadUnsafe(ref x1Start, at);
                sum += v2 * Vector.LoadUnsafe(ref x2Start, at);
                sum += v3 * Vector.LoadUnsafe(ref x3Start, at);
                sum.StoreUnsafe(ref yStart, at);
            }
        }

        for (; j < length; j++)
        {
            T sum = Unsafe.Add(ref yStart, j);
            sum += s0 * Unsafe.Add(ref x0Start, j);
            sum += s1 * Unsafe.Add(ref x1Start, j);
            sum += s2 * Unsafe.Add(ref x2Start, j);
            sum += s3 * Unsafe.Add(ref x3Start, j);
            Unsafe.Add(ref yStart, j) = sum;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T ElementOfA<T>(Transpose transA, ReadOnlySpan<T> a, int lda, int i, int p) =>
        transA == Transpose.No ? a[i * lda + p] : a[p * lda + i];
}
