using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// The register-blocked inner kernel of the single-precision GEMM: a <see cref="Rows"/>×<see cref="Columns"/>
/// tile of C computed from one packed micro-panel of A and one of B, held in 12 ymm accumulators.
/// </summary>
/// <remarks>
/// Each tile element is reduced over the panel depth in increasing order into a zeroed accumulator, and only
/// then added to (or stored into) C. That order depends on nothing but the k-blocking, which is what keeps
/// results bit-identical however C is shared among threads.
/// </remarks>
internal static unsafe class GemmMicroKernel
{
    /// <summary>Rows of the tile (= rows of a packed A micro-panel).</summary>
    public const int Rows = 6;

    /// <summary>Columns of the tile (= columns of a packed B micro-panel, two ymm registers).</summary>
    public const int Columns = 16;

    /// <summary>Whether this machine can run the kernel.</summary>
    public static bool IsSupported => Fma.IsSupported && Avx2.IsSupported;

    /// <summary>
    /// <c>C[0..6, 0..16] (=|+=) Σ_p A[p]·B[p]</c> where <paramref name="packedA"/> holds <paramref name="depth"/> groups of
    /// 6 values (one per row) and <paramref name="packedB"/> holds <paramref name="depth"/> groups of 16 (one per column).
    /// </summary>
    /// <param name="depth">Number of k steps in the panels.</param>
    /// <param name="packedA">A micro-panel, row index fastest.</param>
    /// <param name="packedB">B micro-panel, column index fastest.</param>
    /// <param name="c">Top-left element of the C tile.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="addToC">True to add the tile to C, false to overwrite C.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(int depth, float* packedA, float* packedB, float* c, nint ldc, bool addToC)
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero, c11 = Vector256<float>.Zero;
        Vector256<float> c20 = Vector256<float>.Zero, c21 = Vector256<float>.Zero;
        Vector256<float> c30 = Vector256<float>.Zero, c31 = Vector256<float>.Zero;
        Vector256<float> c40 = Vector256<float>.Zero, c41 = Vector256<float>.Zero;
        Vector256<float> c50 = Vector256<float>.Zero, c51 = Vector256<float>.Zero;

        // Start fetching the C tile now: its rows are far apart and usually not cached, and the loads
        // at the end would otherwise stall on them.
        float* c0 = c;
        float* c1 = c0 + ldc;
        float* c2 = c1 + ldc;
        float* c3 = c2 + ldc;
        float* c4 = c3 + ldc;
        float* c5 = c4 + ldc;
        Sse.Prefetch0(c0);
        Sse.Prefetch0(c0 + 15);
        Sse.Prefetch0(c1);
        Sse.Prefetch0(c1 + 15);
        Sse.Prefetch0(c2);
        Sse.Prefetch0(c2 + 15);
        Sse.Prefetch0(c3);
        Sse.Prefetch0(c3 + 15);
        Sse.Prefetch0(c4);
        Sse.Prefetch0(c4 + 15);
        Sse.Prefetch0(c5);
        Sse.Prefetch0(c5 + 15);

        float* a = packedA;
        float* b = packedB;

        // Two k steps per iteration halve the loop overhead; the odd step is done after.
        int pairs = depth >> 1;
        for (int p = 0; p < pairs; p++)
        {
            Vector256<float> b0 = Avx.LoadAlignedVector256(b);
            Vector256<float> b1 = Avx.LoadAlignedVector256(b + 8);
            Vector256<float> av = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(av, b0, c00);
            c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(av, b0, c10);
            c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(av, b0, c20);
            c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(av, b0, c30);
            c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(av, b0, c40);
            c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(av, b0, c50);
            c51 = Fma.MultiplyAdd(av, b1, c51);

            b0 = Avx.LoadAlignedVector256(b + 16);
            b1 = Avx.LoadAlignedVector256(b + 24);
            av = Avx.BroadcastScalarToVector256(a + 6);
            c00 = Fma.MultiplyAdd(av, b0, c00);
            c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Avx.BroadcastScalarToVector256(a + 7);
            c10 = Fma.MultiplyAdd(av, b0, c10);
            c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Avx.BroadcastScalarToVector256(a + 8);
            c20 = Fma.MultiplyAdd(av, b0, c20);
            c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Avx.BroadcastScalarToVector256(a + 9);
            c30 = Fma.MultiplyAdd(av, b0, c30);
            c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Avx.BroadcastScalarToVector256(a + 10);
            c40 = Fma.MultiplyAdd(av, b0, c40);
            c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Avx.BroadcastScalarToVector256(a + 11);
            c50 = Fma.MultiplyAdd(av, b0, c50);
            c51 = Fma.MultiplyAdd(av, b1, c51);

            a += 2 * Rows;
            b += 2 * Columns;
        }

        if ((depth & 1) != 0)
        {
            Vector256<float> b0 = Avx.LoadAlignedVector256(b);
            Vector256<float> b1 = Avx.LoadAlignedVector256(b + 8);
            Vector256<float> av = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(av, b0, c00);
            c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(av, b0, c10);
            c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(av, b0, c20);
            c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(av, b0, c30);
            c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(av, b0, c40);
            c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(av, b0, c50);
            c51 = Fma.MultiplyAdd(av, b1, c51);
        }

        if (addToC)
        {
            c00 = Avx.Add(c00, Avx.LoadVector256(c0));
            c01 = Avx.Add(c01, Avx.LoadVector256(c0 + 8));
            c10 = Avx.Add(c10, Avx.LoadVector256(c1));
            c11 = Avx.Add(c11, Avx.LoadVector256(c1 + 8));
            c20 = Avx.Add(c20, Avx.LoadVector256(c2));
            c21 = Avx.Add(c21, Avx.LoadVector256(c2 + 8));
            c30 = Avx.Add(c30, Avx.LoadVector256(c3));
            c31 = Avx.Add(c31, Avx.LoadVector256(c3 + 8));
            c40 = Avx.Add(c40, Avx.LoadVector256(c4));
            c41 = Avx.Add(c41, Avx.LoadVector256(c4 + 8));
            c50 = Avx.Add(c50, Avx.LoadVector256(c5));
            c51 = Avx.Add(c51, Avx.LoadVector256(c5 + 8));
        }

        Avx.Store(c0, c00);
        Avx.Store(c0 + 8, c01);
        Avx.Store(c1, c10);
        Avx.Store(c1 + 8, c11);
        Avx.Store(c2, c20);
        Avx.Store(c2 + 8, c21);
        Avx.Store(c3, c30);
        Avx.Store(c3 + 8, c31);
        Avx.Store(c4, c40);
        Avx.Store(c4 + 8, c41);
        Avx.Store(c5, c50);
        Avx.Store(c5 + 8, c51);
    }

    /// <summary>
    /// As <see cref="Multiply"/>, for a tile of which only the first <paramref name="rows"/>×<paramref name="columns"/>
    /// elements lie inside C: the full tile is computed into a scratch tile, then the valid part is merged into C.
    /// </summary>
    /// <param name="depth">Number of k steps in the panels.</param>
    /// <param name="packedA">A micro-panel (zero-padded past the valid rows).</param>
    /// <param name="packedB">B micro-panel (zero-padded past the valid columns).</param>
    /// <param name="c">Top-left element of the C tile.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="rows">Valid rows, 1..6.</param>
    /// <param name="columns">Valid columns, 1..16.</param>
    /// <param name="addToC">True to add the tile to C, false to overwrite C.</param>
    public static void MultiplyPartial(int depth, float* packedA, float* packedB, float* c, nint ldc, int rows, int columns, bool addToC)
    {
        // Same arithmetic as a full tile (zero accumulators, then one addition to C), so edge elements round
        // exactly like interior ones.
        float* tile = stackalloc float[Rows * Columns];
        Multiply(depth, packedA, packedB, tile, Columns, addToC: false);
        for (int i = 0; i < rows; i++)
        {
            float* source = tile + i * Columns;
            float* target = c + i * ldc;
            if (addToC)
            {
                for (int j = 0; j < columns; j++)
                {
                    target[j] += source[j];
                }
            }
            else
            {
                for (int j = 0; j < columns; j++)
                {
                    target[j] = source[j];
                }
            }
        }
    }
}
