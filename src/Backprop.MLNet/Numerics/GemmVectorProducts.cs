using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// Products where C is a single column (n = 1) or a single row (m = 1): matrix-vector products, for which
/// packing into 16-wide panels would waste 15/16 of the work. Written with <see cref="Vector{T}"/> for any T.
/// </summary>
/// <remarks>
/// Each output is either a dot product (fixed lane-then-horizontal order) or a sum of scaled rows in increasing
/// k order (see ScaledRowSum). Never threaded, so trivially thread-count independent.
/// </remarks>
internal static class GemmVectorProducts
{
    /// <summary>Computes the product when <paramref name="n"/> = 1 or <paramref name="m"/> = 1 (and k ≥ 1).</summary>
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
        if (n == 1)
        {
            // x = op(B)[:, 0]; C[:, 0] = op(A)·x. A contiguous column (the network's u3 = h·U) needs no scratch.
            ReadOnlySpan<T> x = transB == Transpose.Yes || ldb == 1 ? b.Slice(0, k) : Gather(b, ldb, k, GemmScratch<T>.First(k));
            if (transA == Transpose.No)
            {
                DotRows(a, lda, m, k, x, c, ldc, accumulate);
            }
            else
            {
                ScaledRowSum(a, lda, k, m, x, c, ldc, accumulate);
            }
        }
        else
        {
            // x = op(A)[0, :]; C[0, :] = xᵀ·op(B).
            ReadOnlySpan<T> x = transA == Transpose.No || lda == 1 ? a.Slice(0, k) : Gather(a, lda, k, GemmScratch<T>.First(k));
            if (transB == Transpose.No && typeof(T) == typeof(float) && GemmMicroKernel.IsSupported)
            {
                // One row through the blocked kernel's own order, so a row scored alone (PredictionEngine) gets
                // the same bits as the same row inside a block.
                GemmRowKernel.Multiply(
                    MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(b), ldb, k, n, MemoryMarshal.Cast<T, float>(c), accumulate);
            }
            else if (transB == Transpose.Yes)
            {
                DotRows(b, ldb, n, k, x, c, 1, accumulate);
            }
            else
            {
                ScaledRowSum(b, ldb, k, n, x, c, 1, accumulate);
            }
        }
    }

    /// <summary>Copies <c>count</c> elements spaced <paramref name="stride"/> apart into <paramref name="target"/>.</summary>
    private static ReadOnlySpan<T> Gather<T>(ReadOnlySpan<T> source, int stride, int count, Span<T> target)
    {
        for (int p = 0; p < count; p++)
        {
            target[p] = source[p * stride];
        }

        return target;
    }

    /// <summary><c>y[i·ldy] (=|+=) M[i, :]·x</c> for the <paramref name="rows"/> rows of M (stride <paramref name="ldm"/>).</summary>
    private static void DotRows<T>(ReadOnlySpan<T> matrix, int ldm, int rows, int length, ReadOnlySpan<T> x, Span<T> y, int ldy, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        {
            T dot = Dot(matrix.Slice(i * ldm, length), x);
            ref T target = ref y[i * ldy];
            target = accumulate ? target + dot : dot;
        }
    }

    /// <summary>The dot product, with four vector accumulators for instruction-level parallelism.</summary>
    private static T Dot<T>(ReadOnlySpan<T> u, ReadOnlySpan<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T uStart = ref MemoryMarshal.GetReference(u);
        ref T vStart = ref MemoryMarshal.GetReference(v);
        int length = u.Length;
        int width = Vector<T>.Count;
        int i = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && length >= width)
        {
            Vector<T> s0 = Vector<T>.Zero, s1 = Vector<T>.Zero, s2 = Vector<T>.Zero, s3 = Vector<T>.Zero;
            for (; i <= length - 4 * width; i += 4 * width)
            {
                s0 += LoadAt(ref uStart, i) * LoadAt(ref vStart, i);
                s1 += LoadAt(ref uStart, i + width) * LoadAt(ref vStart, i + width);
                s2 += LoadAt(ref uStart, i + 2 * width) * LoadAt(ref vStart, i + 2 * width);
                s3 += LoadAt(ref uStart, i + 3 * width) * LoadAt(ref vStart, i + 3 * width);
            }

            for (; i <= length - width; i += width)
            {
                s0 += LoadAt(ref uStart, i) * LoadAt(ref vStart, i);
            }

            sum = Vector.Sum((s0 + s1) + (s2 + s3));
        }

        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref uStart, i) * Unsafe.Add(ref vStart, i);
        }

        return sum;
    }

    /// <summary>
    /// <c>y[j·ldy] (=|+=) Σ_p x[p]·M[p, j]</c> for the <paramref name="depth"/> rows of M (stride <paramref name="ldm"/>),
    /// <paramref name="width"/> columns: scaled rows added in increasing p. A contiguous y takes them directly, term by term,
    /// exactly as <see cref="GemmPortable"/> updates a row of C (so a row alone matches it bit for bit); a strided y gets the
    /// sum from a zeroed scratch vector.
    /// </summary>
    private static void ScaledRowSum<T>(ReadOnlySpan<T> matrix, int ldm, int depth, int width, ReadOnlySpan<T> x, Span<T> y, int ldy, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> sum = ldy == 1 ? y.Slice(0, width) : GemmScratch<T>.Second(width);
        if (ldy != 1 || !accumulate)
        {
            sum.Clear();
        }

        for (int p = 0; p < depth; p++)
        {
            GemmPortable.AddScaled(sum, x[p], matrix.Slice(p * ldm, width));
        }

        if (ldy != 1)
        {
            for (int j = 0; j < width; j++)
            {
                ref T target = ref y[j * ldy];
                target = accumulate ? target + sum[j] : sum[j];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> LoadAt<T>(ref T start, int offset) => Vector.LoadUnsafe(ref start, (nuint)offset);
}
