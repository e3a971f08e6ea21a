using System.Runtime.CompilerServices;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// The cache-blocked single-precision product (BLIS loop order): for each column block of C (≤ <see cref="MaxBlockColumns"/>),
/// for each k block (≤ <see cref="MaxBlockDepth"/>) pack op(B) once, then for each row block (≤ <see cref="MaxBlockRows"/>)
/// pack op(A) and sweep the 6×16 micro-kernel over the block, B micro-panel outer so it stays in L1.
/// </summary>
/// <remarks>
/// Block sizes are balanced (e.g. k = 300 gives two blocks of 150) and depend only on m, n and k, never on the
/// thread count; since C is touched once per k block, the k-blocking alone fixes every element's rounding.
/// Packing buffers live per thread and only grow, so repeated calls allocate nothing.
/// </remarks>
internal static unsafe class GemmBlocked
{
    /// <summary>Largest k extent of a packed block: a 16-wide B micro-panel of it (16 KiB) stays in L1.</summary>
    public const int MaxBlockDepth = 256;

    /// <summary>Largest row extent of a packed A block: 144×256 floats (144 KiB) stay in L2.</summary>
    public const int MaxBlockRows = 144;

    /// <summary>Largest column extent of a packed B block (4 MiB at full depth, meant for L3).</summary>
    public const int MaxBlockColumns = 4096;

    private const int MR = GemmMicroKernel.Rows;
    private const int NR = GemmMicroKernel.Columns;

    [ThreadStatic]
    private static PackBuffer? packedABuffer;

    [ThreadStatic]
    private static PackBuffer? packedBBuffer;

    /// <summary>Computes the whole product described by <paramref name="operands"/> on the calling thread.</summary>
    /// <param name="operands">The product (m, n, k ≥ 1).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(in GemmOperands operands)
    {
        int m = operands.M, n = operands.N, k = operands.K;
        int depthStep = BalancedStep(k, MaxBlockDepth, 1);
        int rowStep = BalancedStep(m, MaxBlockRows, MR);
        int columnStep = BalancedStep(n, MaxBlockColumns, NR);

        float* packedA = Buffer(ref packedABuffer, RoundUp(Math.Min(rowStep, m), MR) * Math.Min(depthStep, k));
        float* packedB = Buffer(ref packedBBuffer, RoundUp(Math.Min(columnStep, n), NR) * Math.Min(depthStep, k));

        for (int column = 0; column < n; column += columnStep)
        {
            int columns = Math.Min(columnStep, n - column);
            for (int depthStart = 0; depthStart < k; depthStart += depthStep)
            {
                int depth = Math.Min(depthStep, k - depthStart);
                bool addToC = operands.Accumulate || depthStart > 0;
                float* blockB = operands.TransB == Transpose.No
                    ? operands.B + depthStart * operands.Ldb + column
                    : operands.B + column * operands.Ldb + depthStart;
                GemmPacking.PackB(operands.TransB, blockB, operands.Ldb, depth, columns, packedB);

                for (int row = 0; row < m; row += rowStep)
                {
                    int rows = Math.Min(rowStep, m - row);
                    float* blockA = operands.TransA == Transpose.No
                        ? operands.A + row * operands.Lda + depthStart
                        : operands.A + depthStart * operands.Lda + row;
                    GemmPacking.PackA(operands.TransA, blockA, operands.Lda, rows, depth, packedA);
                    MultiplyPackedBlock(rows, columns, depth, packedA, packedB, operands.C + row * operands.Ldc + column, operands.Ldc, addToC);
                }
            }
        }
    }

    /// <summary>Sweeps the micro-kernel over one packed rows×columns block of C.</summary>
    private static void MultiplyPackedBlock(int rows, int columns, int depth, float* packedA, float* packedB, float* c, nint ldc, bool addToC)
    {
        for (int column = 0; column < columns; column += NR)
        {
            int tileColumns = Math.Min(NR, columns - column);
            float* panelB = packedB + (nint)column * depth;
            for (int row = 0; row < rows; row += MR)
            {
                int tileRows = Math.Min(MR, rows - row);
                float* panelA = packedA + (nint)row * depth;
                float* tile = c + row * ldc + column;
                if (tileRows == MR && tileColumns == NR)
                {
                    GemmMicroKernel.Multiply(depth, panelA, panelB, tile, ldc, addToC);
                }
                else
                {
                    GemmMicroKernel.MultiplyPartial(depth, panelA, panelB, tile, ldc, tileRows, tileColumns, addToC);
                }
            }
        }
    }

    /// <summary>
    /// The step that cuts <paramref name="extent"/> into the fewest blocks of at most <paramref name="maxStep"/>,
    /// made as equal as possible and rounded up to a multiple of <paramref name="multiple"/>.
    /// </summary>
    private static int BalancedStep(int extent, int maxStep, int multiple)
    {
        int blocks = (extent + maxStep - 1) / maxStep;
        int step = (extent + blocks - 1) / blocks;
        return Math.Min(RoundUp(step, multiple), maxStep);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>The calling thread's buffer, grown to at least <paramref name="floats"/> (+ slack) if needed.</summary>
    private static float* Buffer(ref PackBuffer? buffer, int floats)
    {
        if (buffer is null || buffer.Capacity < floats)
        {
            buffer = new PackBuffer(floats);
        }

        return buffer.Start;
    }

    /// <summary>A pinned float array whose usable part starts on a 64-byte boundary.</summary>
    private sealed class PackBuffer
    {
        private const int AlignmentFloats = 16;

        // Kept only so the pinned array lives as long as the pointer into it.
        private readonly float[] storage;

        public PackBuffer(int capacity)
        {
            storage = GC.AllocateUninitializedArray<float>(capacity + GemmPacking.Slack + AlignmentFloats, pinned: true);
            float* first = (float*)Unsafe.AsPointer(ref storage[0]);
            nint misalignment = (nint)first & 63;
            Start = misalignment == 0 ? first : (float*)((byte*)first + (64 - misalignment));
            Capacity = capacity;
        }

        /// <summary>First usable float, 64-byte aligned.</summary>
        public float* Start { get; }

        /// <summary>Usable floats, not counting the slack.</summary>
        public int Capacity { get; }
    }
}
