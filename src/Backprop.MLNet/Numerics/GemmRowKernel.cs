using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// <c>c (=|+=) xᵀ·B</c> for one row x (length k) and a row-major k×n B, reducing every output in exactly the
/// order of the blocked kernel: k cut into the same blocks (<see cref="GemmBlocked.MaxBlockDepth"/>, balanced),
/// within a block one fused multiply-add per k step from zero, then the block's sum stored or added to C.
/// A row scored alone thus matches, bit for bit, the same row scored in a block of many.
/// </summary>
/// <remarks>
/// <para>
/// Only how the outputs are grouped is free, never the order within one. Each output's chain of fused
/// multiply-adds is strictly sequential, so a pass over k carries up to <see cref="MaxStrips"/> independent 8-wide
/// strips of adjacent columns: with one strip per pass the FMA latency (~4 cycles) would bound every step.
/// </para>
/// <para>
/// One row uses every weight once, so with all passes in place the kernel is bound by reading B from L2. When
/// C needs several passes, k is therefore cut into chunks of about <see cref="ChunkBytes"/> of B that all passes
/// finish before the next chunk: each chunk of B is read front to back while it is in L1, rather than in
/// column bands with gaps. Between chunks the partial sums are parked in memory, an exact store and reload
/// that leaves each output's operations unchanged.
/// </para>
/// <para>
/// Columns past the last multiple of 8 ride in a masked last strip; a vector FMA lane rounds exactly like a
/// scalar FMA, so no output falls back to a latency-bound scalar chain and none changes.
/// </para>
/// </remarks>
internal static unsafe class GemmRowKernel
{
    /// <summary>Floats per strip (one ymm register).</summary>
    private const int StripWidth = 8;

    /// <summary>Most strips per pass: FMA latency (4) × FMA pipes (2) accumulators hide the latency.</summary>
    private const int MaxStrips = 8;

    /// <summary>
    /// Bytes of B per chunk of k when C takes several passes: about one L1 (e.g. 64 rows of 128 floats). Measured on
    /// the 100→128 layer, 64 rows beat 32 and 16 (parking and pass overheads) and unchunked sweeps (gaps in the stream).
    /// </summary>
    private const int ChunkBytes = 32 * 1024;

    /// <summary>Fewest rows per chunk, however wide B is, so parking the sums stays a small part of a pass.</summary>
    private const int MinChunkDepth = 8;

    /// <summary>The calling thread's buffer for sums parked between chunks (only grows).</summary>
    [ThreadStatic]
    private static float[]? parkedSums;

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
        if (k <= 0 || n <= 0)
        {
            return;
        }

        // The passes read through raw pointers, so check once here that every access stays inside the spans.
        if (x.Length < k || ldb < n || b.Length < (long)(k - 1) * ldb + n || c.Length < n)
        {
            throw new ArgumentException("The operands are too short for the given k, n and ldb.");
        }

        // The blocked kernel's balanced k blocks (the common single block skips the divisions).
        int depthStep = k;
        if (k > GemmBlocked.MaxBlockDepth)
        {
            int blocks = (k + GemmBlocked.MaxBlockDepth - 1) / GemmBlocked.MaxBlockDepth;
            depthStep = Math.Min((k + blocks - 1) / blocks, GemmBlocked.MaxBlockDepth);
        }

        fixed (float* xStart = x)
        fixed (float* bStart = b)
        fixed (float* cStart = c)
        {
            int strips = (n + StripWidth - 1) / StripWidth;
            int passes = (strips + MaxStrips - 1) / MaxStrips;

            // Passes of equal size (the first ones one strip longer), so none is left with too few strips to hide the latency.
            int shortPass = passes == 1 ? strips : strips / passes;
            int longPasses = strips - shortPass * passes;

            // Lanes of the last strip before column n, when n is not a multiple of 8.
            bool partialTail = n % StripWidth != 0;
            Vector256<float> tailMask = Vector256.LessThan(
                Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(n - (strips - 1) * StripWidth)).AsSingle();

            // One pass: a whole depth block at once. Several: chunks, with a parking place for every strip.
            int chunkDepth = passes > 1
                ? Math.Clamp(ChunkBytes / sizeof(float) / ldb, MinChunkDepth, GemmBlocked.MaxBlockDepth)
                : depthStep;
            float[] parkedArray = passes > 1 ? ParkedSums(strips * StripWidth) : [];
            fixed (float* parked = parkedArray)
            {
                var chunk = new Chunk
                {
                    Ldb = ldb,
                    C = cStart,
                    Parked = parked,
                    TailMask = tailMask,
                };

                for (int depthStart = 0; depthStart < k; depthStart += depthStep)
                {
                    int depth = Math.Min(depthStep, k - depthStart);
                    chunk.AddToC = accumulate || depthStart > 0;
                    for (int chunkStart = 0; chunkStart < depth; chunkStart += chunkDepth)
                    {
                        int steps = Math.Min(chunkDepth, depth - chunkStart);
                        chunk.X = xStart + depthStart + chunkStart;
                        chunk.B = bStart + (nint)(depthStart + chunkStart) * ldb;
                        chunk.Steps = steps;
                        chunk.Resume = chunkStart > 0;
                        chunk.Park = chunkStart + steps < depth;

                        int firstStrip = 0;
                        for (int pass = 0; pass < passes; pass++)
                        {
                            int passStrips = pass < longPasses ? shortPass + 1 : shortPass;
                            int lastStrip = firstStrip + passStrips;
                            if (lastStrip == strips && partialTail)
                            {
                                Dispatch<Masked>(chunk, firstStrip, passStrips);
                            }
                            else
                            {
                                Dispatch<Unmasked>(chunk, firstStrip, passStrips);
                            }

                            firstStrip = lastStrip;
                        }
                    }
                }
            }
        }
    }

    /// <summary>The calling thread's parking buffer, at least <paramref name="length"/> floats.</summary>
    private static float[] ParkedSums(int length)
    {
        float[]? buffer = parkedSums;
        if (buffer is null || buffer.Length < length)
        {
            parkedSums = buffer = GC.AllocateUninitializedArray<float>(Math.Max(length, 256));
        }

        return buffer;
    }

    /// <summary>Runs the pass specialised for <paramref name="count"/> strips (1–8).</summary>
    /// <typeparam name="TTail">Whether the pass's last strip is the last of C, masked from column n.</typeparam>
    /// <param name="chunk">The chunk of k.</param>
    /// <param name="firstStrip">The pass's first strip (strip t covers columns 8t to 8t + 7).</param>
    /// <param name="count">Strips in the pass.</param>
    private static void Dispatch<TTail>(in Chunk chunk, int firstStrip, int count)
        where TTail : struct, IFlag
    {
        switch (count)
        {
            case 1: Pass<One, TTail>(chunk, firstStrip); break;
            case 2: Pass<Two, TTail>(chunk, firstStrip); break;
            case 3: Pass<Three, TTail>(chunk, firstStrip); break;
            case 4: Pass<Four, TTail>(chunk, firstStrip); break;
            case 5: Pass<Five, TTail>(chunk, firstStrip); break;
            case 6: Pass<Six, TTail>(chunk, firstStrip); break;
            case 7: Pass<Seven, TTail>(chunk, firstStrip); break;
            default: Pass<Eight, TTail>(chunk, firstStrip); break;
        }
    }

    /// <summary>
    /// One pass over a chunk of k for <typeparamref name="TStrips"/> adjacent strips of C: each strip's
    /// accumulator starts at zero (or where the previous chunk parked it), takes one FMA per k step in increasing
    /// k, and is then parked or, at the end of the depth block, stored into or added to C.
    /// </summary>
    /// <typeparam name="TStrips">How many strips (a constant once the JIT specialises the method).</typeparam>
    /// <typeparam name="TTail">Whether the pass's last strip is masked from column n.</typeparam>
    /// <param name="chunk">The chunk of k and where its sums start and go.</param>
    /// <param name="firstStrip">The pass's first strip (strip t covers columns 8t to 8t + 7).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pass<TStrips, TTail>(in Chunk chunk, int firstStrip)
        where TStrips : struct, IConstant
        where TTail : struct, IFlag
    {
        // Unused accumulators are dead code in each specialisation (the conditions below are JIT-time constants).
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        float* parked = chunk.Parked + firstStrip * StripWidth;
        if (chunk.Resume)
        {
            s0 = Avx.LoadVector256(parked);
            s1 = TStrips.Value > 1 ? Avx.LoadVector256(parked + 8) : default;
            s2 = TStrips.Value > 2 ? Avx.LoadVector256(parked + 16) : default;
            s3 = TStrips.Value > 3 ? Avx.LoadVector256(parked + 24) : default;
            s4 = TStrips.Value > 4 ? Avx.LoadVector256(parked + 32) : default;
            s5 = TStrips.Value > 5 ? Avx.LoadVector256(parked + 40) : default;
            s6 = TStrips.Value > 6 ? Avx.LoadVector256(parked + 48) : default;
            s7 = TStrips.Value > 7 ? Avx.LoadVector256(parked + 56) : default;
        }

        Vector256<float> tailMask = chunk.TailMask;
        float* x = chunk.X;
        float* xEnd = x + chunk.Steps;
        float* b = chunk.B + firstStrip * StripWidth;
        nint ldb = chunk.Ldb;
        for (; x < xEnd; x++, b += ldb)
        {
            Vector256<float> xv = Avx.BroadcastScalarToVector256(x);
            s0 = Fma.MultiplyAdd(xv, Load<TStrips, TTail>(b, 0, tailMask), s0);
            if (TStrips.Value > 1)
            {
                s1 = Fma.MultiplyAdd(xv, Load<TStrips, TTail>(b, 1, tailMask), s1);
            }

            if (TStrips.Value > 2)
            {
                s2 = Fma.MultiplyAdd(xv, Load<TStrips, TTail>(b, 2, tailMask), s2);
            }

            if (TStrips.Value > 3)
            {
                s3 = Fma.MultiplyAdd(xv, Load<TStrips, TTail>(b, 3, tailMask), s3);
            }

            if (TStrips.Value > 4)
            {
                s4 = Fma.MultiplyAdd(xv, Load<TStrips, TTail>(b, 4, tailMask), s4);
            }

            if (TStrips.Value > 5)
            {
                s5 = Fma.MultiplyAdd(xv, Load<TStrips, TTail>(b, 5, tailMask), s5);
            }

            if (TStrips.Value > 6)
            {
                s6 = Fma.MultiplyAdd(xv, Load<TStrips, TTail>(b, 6, tailMask), s6);
            }

            if (TStrips.Value > 7)
            {
                s7 = Fma.MultiplyAdd(xv, Load<TStrips, TTail>(b, 7, tailMask), s7);
            }
        }

        if (chunk.Park)
        {
            // Whole vectors, masked lanes included: the parking buffer has room for every strip of C.
            Avx.Store(parked, s0);
            if (TStrips.Value > 1)
            {
                Avx.Store(parked + 8, s1);
            }

            if (TStrips.Value > 2)
            {
                Avx.Store(parked + 16, s2);
            }

            if (TStrips.Value > 3)
            {
                Avx.Store(parked + 24, s3);
            }

            if (TStrips.Value > 4)
            {
                Avx.Store(parked + 32, s4);
            }

            if (TStrips.Value > 5)
            {
                Avx.Store(parked + 40, s5);
            }

            if (TStrips.Value > 6)
            {
                Avx.Store(parked + 48, s6);
            }

            if (TStrips.Value > 7)
            {
                Avx.Store(parked + 56, s7);
            }

            return;
        }

        float* c = chunk.C + firstStrip * StripWidth;
        bool addToC = chunk.AddToC;
        Finish<TStrips, TTail>(s0, c, 0, addToC, tailMask);
        if (TStrips.Value > 1)
        {
            Finish<TStrips, TTail>(s1, c, 1, addToC, tailMask);
        }

        if (TStrips.Value > 2)
        {
            Finish<TStrips, TTail>(s2, c, 2, addToC, tailMask);
        }

        if (TStrips.Value > 3)
        {
            Finish<TStrips, TTail>(s3, c, 3, addToC, tailMask);
        }

        if (TStrips.Value > 4)
        {
            Finish<TStrips, TTail>(s4, c, 4, addToC, tailMask);
        }

        if (TStrips.Value > 5)
        {
            Finish<TStrips, TTail>(s5, c, 5, addToC, tailMask);
        }

        if (TStrips.Value > 6)
        {
            Finish<TStrips, TTail>(s6, c, 6, addToC, tailMask);
        }

        if (TStrips.Value > 7)
        {
            Finish<TStrips, TTail>(s7, c, 7, addToC, tailMask);
        }
    }

    /// <summary>Strip <paramref name="strip"/> of a row of B; the last strip of C reads only its valid lanes (the rest are 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load<TStrips, TTail>(float* row, int strip, Vector256<float> tailMask)
        where TStrips : struct, IConstant
        where TTail : struct, IFlag =>
        TTail.Value && strip == TStrips.Value - 1
            ? Avx.MaskLoad(row + strip * StripWidth, tailMask)
            : Avx.LoadVector256(row + strip * StripWidth);

    /// <summary>Stores a strip's block sum into C, or adds it to C; the last strip of C touches only its valid lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TStrips, TTail>(Vector256<float> sum, float* c, int strip, bool addToC, Vector256<float> tailMask)
        where TStrips : struct, IConstant
        where TTail : struct, IFlag
    {
        float* target = c + strip * StripWidth;
        if (TTail.Value && strip == TStrips.Value - 1)
        {
            if (addToC)
            {
                sum = Avx.Add(sum, Avx.MaskLoad(target, tailMask));
            }

            Avx.MaskStore(target, tailMask, sum);
        }
        else
        {
            if (addToC)
            {
                sum = Avx.Add(sum, Avx.LoadVector256(target));
            }

            Avx.Store(target, sum);
        }
    }

    /// <summary>One chunk of k: the slices of x and B it covers and where its sums start and end up.</summary>
    private struct Chunk
    {
        /// <summary>The row's first element of the chunk.</summary>
        public float* X;

        /// <summary>B's first row of the chunk (column 0).</summary>
        public float* B;

        /// <summary>Row stride of B.</summary>
        public nint Ldb;

        /// <summary>k steps in the chunk (≥ 1).</summary>
        public int Steps;

        /// <summary>C (column 0).</summary>
        public float* C;

        /// <summary>The parking buffer (column 0, room for whole strips); unused when one pass covers C.</summary>
        public float* Parked;

        /// <summary>True to start from the parked sums rather than zero (not the depth block's first chunk).</summary>
        public bool Resume;

        /// <summary>True to park the sums (not the depth block's last chunk); false to finish them into C.</summary>
        public bool Park;

        /// <summary>True to add the block's sums to C, false to overwrite C.</summary>
        public bool AddToC;

        /// <summary>Lanes of C's last strip before column n.</summary>
        public Vector256<float> TailMask;
    }

    /// <summary>An integer the JIT sees as a constant in each specialisation of a generic method.</summary>
    private interface IConstant
    {
        /// <summary>The constant.</summary>
        static abstract int Value { get; }
    }

    /// <summary>A boolean the JIT sees as a constant in each specialisation of a generic method.</summary>
    private interface IFlag
    {
        /// <summary>The flag.</summary>
        static abstract bool Value { get; }
    }

    /// <summary>One strip.</summary>
    private readonly struct One : IConstant
    {
        /// <inheritdoc/>
        public static int Value => 1;
    }

    /// <summary>Two strips.</summary>
    private readonly struct Two : IConstant
    {
        /// <inheritdoc/>
        public static int Value => 2;
    }

    /// <summary>Three strips.</summary>
    private readonly struct Three : IConstant
    {
        /// <inheritdoc/>
        public static int Value => 3;
    }

    /// <summary>Four strips.</summary>
    private readonly struct Four : IConstant
    {
        /// <inheritdoc/>
        public static int Value => 4;
    }

    /// <summary>Five strips.</summary>
    private readonly struct Five : IConstant
    {
        /// <inheritdoc/>
        public static int Value => 5;
    }

    /// <summary>Six strips.</summary>
    private readonly struct Six : IConstant
    {
        /// <inheritdoc/>
        public static int Value => 6;
    }

    /// <summary>Seven strips.</summary>
    private readonly struct Seven : IConstant
    {
        /// <inheritdoc/>
        public static int Value => 7;
    }

    /// <summary>Eight strips.</summary>
    private readonly struct Eight : IConstant
    {
        /// <inheritdoc/>
        public static int Value => 8;
    }

    /// <summary>The strip is masked.</summary>
    private readonly struct Masked : IFlag
    {
        /// <inheritdoc/>
        public static bool Value => true;
    }

    /// <summary>The strip is whole.</summary>
    private readonly struct Unmasked : IFlag
    {
        /// <inheritdoc/>
        public static bool Value => false;
    }
}
