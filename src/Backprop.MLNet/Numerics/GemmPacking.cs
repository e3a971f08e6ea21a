using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous, zero-padded micro-panels that
/// <see cref="GemmMicroKernel"/> streams through. Packing is where the four transpose cases become one.
/// </summary>
/// <remarks>
/// Layouts: an A block of mb×kb becomes ⌈mb/6⌉ micro-panels of kb×6 (the 6 row values of one k step together);
/// a B block of kb×nb becomes ⌈nb/16⌉ micro-panels of kb×16 (the 16 column values of one k step together).
/// Vector stores may run up to <see cref="Slack"/> floats past a panel's end; later panels overwrite that,
/// and buffers carry that much spare room at their end.
/// </remarks>
internal static unsafe class GemmPacking
{
    /// <summary>Spare floats a packing buffer needs after its last panel.</summary>
    public const int Slack = 8;

    private const int MR = GemmMicroKernel.Rows;
    private const int NR = GemmMicroKernel.Columns;

    /// <summary>Packs the block op(A)[0..rows, 0..depth], whose element (0, 0) is at <paramref name="a"/>.</summary>
    /// <param name="transA">How A is stored.</param>
    /// <param name="a">Element (0, 0) of the block of op(A).</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="rows">Rows of the block.</param>
    /// <param name="depth">Columns of the block (k extent).</param>
    /// <param name="packed">Destination, room for ⌈rows/6⌉·6·depth + <see cref="Slack"/> floats.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(Transpose transA, float* a, nint lda, int rows, int depth, float* packed)
    {
        for (int panelRow = 0; panelRow < rows; panelRow += MR)
        {
            int panelRows = Math.Min(MR, rows - panelRow);
            float* panel = packed + (nint)panelRow * depth;
            if (transA == Transpose.No)
            {
                PackRowsInterleaved(a + panelRow * lda, lda, panelRows, depth, panel);
            }
            else
            {
                PackContiguousSixes(a + panelRow, lda, panelRows, depth, panel, canReadEight: rows - panelRow >= 8);
            }
        }
    }

    /// <summary>Packs the block op(B)[0..depth, 0..columns], whose element (0, 0) is at <paramref name="b"/>.</summary>
    /// <param name="transB">How B is stored.</param>
    /// <param name="b">Element (0, 0) of the block of op(B).</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="depth">Rows of the block (k extent).</param>
    /// <param name="columns">Columns of the block.</param>
    /// <param name="packed">Destination, room for ⌈columns/16⌉·16·depth floats (32-byte aligned).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(Transpose transB, float* b, nint ldb, int depth, int columns, float* packed)
    {
        for (int panelColumn = 0; panelColumn < columns; panelColumn += NR)
        {
            int panelColumns = Math.Min(NR, columns - panelColumn);
            float* panel = packed + (nint)panelColumn * depth;
            if (transB == Transpose.No)
            {
                PackContiguousSixteens(b + panelColumn, ldb, panelColumns, depth, panel);
            }
            else
            {
                PackRowsAsSixteens(b + panelColumn * ldb, ldb, panelColumns, depth, panel);
            }
        }
    }

    /// <summary>
    /// A stored as is: the panel's rows are rows of memory. Transposes 8×8 blocks (6 real rows, 2 zero rows)
    /// and stores each transposed vector 6 floats apart, each store's 2 extra floats overwritten by the next.
    /// </summary>
    private static void PackRowsInterleaved(float* a, nint lda, int panelRows, int depth, float* panel)
    {
        int p = 0;
        if (panelRows == MR && Avx.IsSupported)
        {
            float* r0 = a, r1 = a + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
            Vector256<float> zero = Vector256<float>.Zero;
            for (; p + 8 <= depth; p += 8)
            {
                Vector256<float> v0 = Avx.LoadVector256(r0 + p);
                Vector256<float> v1 = Avx.LoadVector256(r1 + p);
                Vector256<float> v2 = Avx.LoadVector256(r2 + p);
                Vector256<float> v3 = Avx.LoadVector256(r3 + p);
                Vector256<float> v4 = Avx.LoadVector256(r4 + p);
                Vector256<float> v5 = Avx.LoadVector256(r5 + p);
                Vector256<float> v6 = zero, v7 = zero;
                Transpose8x8(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
                float* target = panel + p * MR;
                Avx.Store(target, v0);
                Avx.Store(target + MR, v1);
                Avx.Store(target + 2 * MR, v2);
                Avx.Store(target + 3 * MR, v3);
                Avx.Store(target + 4 * MR, v4);
                Avx.Store(target + 5 * MR, v5);
                Avx.Store(target + 6 * MR, v6);
                Avx.Store(target + 7 * MR, v7);
            }
        }

        for (; p < depth; p++)
        {
            float* target = panel + p * MR;
            int r = 0;
            for (; r < panelRows; r++)
            {
                target[r] = a[r * lda + p];
            }

            for (; r < MR; r++)
            {
                target[r] = 0f;
            }
        }
    }

    /// <summary>A stored transposed: each k step's 6 row values are already adjacent in memory.</summary>
    private static void PackContiguousSixes(float* a, nint lda, int panelRows, int depth, float* panel, bool canReadEight)
    {
        if (panelRows == MR && canReadEight && Avx.IsSupported)
        {
            // Reads 8 (the 2 extra are inside the block), writes 8 (the 2 extra are overwritten next step).
            for (int p = 0; p < depth; p++)
            {
                Avx.Store(panel + p * MR, Avx.LoadVector256(a + p * lda));
            }

            return;
        }

        for (int p = 0; p < depth; p++)
        {
            float* source = a + p * lda;
            float* target = panel + p * MR;
            int r = 0;
            for (; r < panelRows; r++)
            {
                target[r] = source[r];
            }

            for (; r < MR; r++)
            {
                target[r] = 0f;
            }
        }
    }

    /// <summary>B stored as is: each k step's 16 column values are adjacent in memory.</summary>
    private static void PackContiguousSixteens(float* b, nint ldb, int panelColumns, int depth, float* panel)
    {
        if (panelColumns == NR && Avx.IsSupported)
        {
            for (int p = 0; p < depth; p++)
            {
                float* source = b + p * ldb;
                float* target = panel + p * NR;
                Avx.Store(target, Avx.LoadVector256(source));
                Avx.Store(target + 8, Avx.LoadVector256(source + 8));
            }

            return;
        }

        for (int p = 0; p < depth; p++)
        {
            float* source = b + p * ldb;
            float* target = panel + p * NR;
            int j = 0;
            for (; j < panelColumns; j++)
            {
                target[j] = source[j];
            }

            for (; j < NR; j++)
            {
                target[j] = 0f;
            }
        }
    }

    /// <summary>
    /// B stored transposed: the panel's columns are rows of memory. Transposes two 8×8 blocks per 8 k steps
    /// (missing columns read as zero).
    /// </summary>
    private static void PackRowsAsSixteens(float* b, nint ldb, int panelColumns, int depth, float* panel)
    {
        int p = 0;
        if (Avx.IsSupported)
        {
            for (; p + 8 <= depth; p += 8)
            {
                for (int half = 0; half < 2; half++)
                {
                    int firstColumn = half * 8;
                    float* source = b + firstColumn * ldb + p;
                    int available = panelColumns - firstColumn;
                    Vector256<float> v0 = LoadRowOrZero(source, 0, ldb, available);
                    Vector256<float> v1 = LoadRowOrZero(source, 1, ldb, available);
                    Vector256<float> v2 = LoadRowOrZero(source, 2, ldb, available);
                    Vector256<float> v3 = LoadRowOrZero(source, 3, ldb, available);
                    Vector256<float> v4 = LoadRowOrZero(source, 4, ldb, available);
                    Vector256<float> v5 = LoadRowOrZero(source, 5, ldb, available);
                    Vector256<float> v6 = LoadRowOrZero(source, 6, ldb, available);
                    Vector256<float> v7 = LoadRowOrZero(source, 7, ldb, available);
                    Transpose8x8(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
                    float* target = panel + p * NR + firstColumn;
                    Avx.Store(target, v0);
                    Avx.Store(target + NR, v1);
                    Avx.Store(target + 2 * NR, v2);
                    Avx.Store(target + 3 * NR, v3);
                    Avx.Store(target + 4 * NR, v4);
                    Avx.Store(target + 5 * NR, v5);
                    Avx.Store(target + 6 * NR, v6);
                    Avx.Store(target + 7 * NR, v7);
                }
            }
        }

        for (; p < depth; p++)
        {
            float* target = panel + p * NR;
            int j = 0;
            for (; j < panelColumns; j++)
            {
                target[j] = b[j * ldb + p];
            }

            for (; j < NR; j++)
            {
                target[j] = 0f;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LoadRowOrZero(float* source, int row, nint stride, int availableRows) =>
        row < availableRows ? Avx.LoadVector256(source + row * stride) : Vector256<float>.Zero;

    /// <summary>In-register transpose of the 8×8 matrix whose rows are v0..v7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(
        ref Vector256<float> v0, ref Vector256<float> v1, ref Vector256<float> v2, ref Vector256<float> v3,
        ref Vector256<float> v4, ref Vector256<float> v5, ref Vector256<float> v6, ref Vector256<float> v7)
    {
        // Interleave pairs of rows, then pairs of pairs (within 128-bit lanes), then swap the lanes.
        Vector256<float> t0 = Avx.UnpackLow(v0, v1);
        Vector256<float> t1 = Avx.UnpackHigh(v0, v1);
        Vector256<float> t2 = Avx.UnpackLow(v2, v3);
        Vector256<float> t3 = Avx.UnpackHigh(v2, v3);
        Vector256<float> t4 = Avx.UnpackLow(v4, v5);
        Vector256<float> t5 = Avx.UnpackHigh(v4, v5);
        Vector256<float> t6 = Avx.UnpackLow(v6, v7);
        Vector256<float> t7 = Avx.UnpackHigh(v6, v7);

        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> s7 = Avx.Shuffle(t5, t7, 0xEE);

        v0 = Avx.Permute2x128(s0, s4, 0x20);
        v1 = Avx.Permute2x128(s1, s5, 0x20);
        v2 = Avx.Permute2x128(s2, s6, 0x20);
        v3 = Avx.Permute2x128(s3, s7, 0x20);
        v4 = Avx.Permute2x128(s0, s4, 0x31);
        v5 = Avx.Permute2x128(s1, s5, 0x31);
        v6 = Avx.Permute2x128(s2, s6, 0x31);
        v7 = Avx.Permute2x128(s3, s7, 0x31);
    }
}
