using Backprop.MLNet.Numerics;
using Backprop.MLNet.Training;

namespace Backprop.MLNet.Tests.Numerics;

/// <summary>
/// The one-row kernel against a scalar reference written with the blocked kernel's reduction order, bit for bit:
/// every shape edge of the kernel (strips per pass, masked last strip, several passes and chunks of k, several
/// k blocks), strided B, unaligned operands and both accumulate modes.
/// </summary>
public class GemmRowKernelTests
{
    /// <summary>Around the strip (8), a full pass (64), balanced passes (≥ 65) and wide B (chunks of a few rows).</summary>
    private static readonly int[] Widths = { 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 47, 56, 63, 64, 65, 71, 100, 127, 128, 129, 200, 520 };

    /// <summary>Around the chunk depths and the k block (256): one, two and three balanced blocks.</summary>
    private static readonly int[] Depths = { 1, 2, 7, 8, 9, 31, 32, 33, 63, 64, 65, 100, 128, 255, 256, 257, 300, 513, 600 };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MatchesTheBlockOrderReferenceBitForBit(bool accumulate)
    {
        if (!GemmMicroKernel.IsSupported)
        {
            return; // the kernel needs AVX2/FMA; without them rows take the portable path (covered below)
        }

        var random = new DeterministicRandom(accumulate ? 11 : 10);
        foreach (int n in Widths)
        {
            foreach (int k in Depths)
            {
                // Strided B on every other shape; operands at odd offsets so nothing is vector-aligned by luck.
                int ldb = n + (int)(random.NextUInt64() % 2 == 0 ? 0 : 1 + random.NextUInt64() % 9);
                var problem = RowProblem.Random(random, k, n, ldb);
                float[] expected = problem.Run(accumulate, useKernel: false);
                float[] actual = problem.Run(accumulate, useKernel: true);
                AssertSameBits(expected, actual, $"k={k}, n={n}, ldb={ldb}, accumulate={accumulate}");
            }
        }
    }

    [Fact]
    public void AnEmptyInnerDimensionLeavesCUntouched()
    {
        if (!GemmMicroKernel.IsSupported)
        {
            return;
        }

        float[] c = { 1, 2, 3 };
        GemmRowKernel.Multiply(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, 3, 0, 3, c, accumulate: false);
        Assert.Equal(new float[] { 1, 2, 3 }, c);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ARowAloneMatchesTheSameRowInABlockOf256(bool accumulate)
    {
        // Through Gemm.Multiply, so this also holds on the portable path (DOTNET_EnableAVX2=0).
        (int K, int N, int Ldb)[] shapes = { (100, 128, 128), (128, 64, 64), (100, 100, 100), (37, 77, 80), (600, 129, 133), (257, 9, 16), (64, 520, 520) };
        const int m = 256;
        int[] rowsAlone = { 0, 1, 5, 6, 143, 144, 255 };
        var random = new DeterministicRandom(accumulate ? 21 : 20);
        foreach ((int k, int n, int ldb) in shapes)
        {
            float[] a = RowProblem.Values(random, m * k);
            float[] b = RowProblem.Values(random, (k - 1) * ldb + n);
            float[] initial = RowProblem.Values(random, m * n);
            float[] block = (float[])initial.Clone();
            Gemm.Multiply<float>(Transpose.No, Transpose.No, m, n, k, a, k, b, ldb, block, n, accumulate);
            foreach (int i in rowsAlone)
            {
                float[] row = initial.AsSpan(i * n, n).ToArray();
                Gemm.Multiply<float>(Transpose.No, Transpose.No, 1, n, k, a.AsSpan(i * k, k), k, b, ldb, row, n, accumulate);
                AssertSameBits(block.AsSpan(i * n, n).ToArray(), row, $"row {i}, k={k}, n={n}, ldb={ldb}, accumulate={accumulate}");
            }
        }
    }

    [Fact]
    public void TheTestDataTellsReductionOrdersApart()
    {
        // The bit-for-bit checks above are only worth something if a different order would change the bits:
        // each plausible mistake (no k blocks, k reversed, multiply then add, block sums added in the other
        // association) must change some outputs of these shapes.
        var random = new DeterministicRandom(30);
        var problem = RowProblem.Random(random, k: 600, n: 129, ldb: 133);
        float[] reference = problem.Run(accumulate: true, useKernel: false);
        foreach (Order wrong in new[] { Order.OneBlock, Order.Reversed, Order.Unfused, Order.CarriedAcrossBlocks })
        {
            float[] other = problem.RunReference(accumulate: true, wrong);
            int differing = reference.Zip(other).Count(pair => BitConverter.SingleToInt32Bits(pair.First) != BitConverter.SingleToInt32Bits(pair.Second));
            Assert.True(differing > 10, $"{wrong}: only {differing} of {reference.Length} outputs differ from the reference order");
        }
    }

    private static void AssertSameBits(float[] expected, float[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int j = 0; j < expected.Length; j++)
        {
            if (BitConverter.SingleToInt32Bits(expected[j]) != BitConverter.SingleToInt32Bits(actual[j]))
            {
                Assert.Fail($"{context}: element {j} is {actual[j]:R}, expected {expected[j]:R}");
            }
        }
    }

    /// <summary>Reduction orders for the reference: the kernel's, and wrong ones the tests must be able to tell apart.</summary>
    private enum Order
    {
        /// <summary>The blocked kernel's: balanced k blocks, fused steps from zero, each block sum added to C.</summary>
        Blocked,

        /// <summary>Wrong: all of k in one block.</summary>
        OneBlock,

        /// <summary>Wrong: k in decreasing order within each block.</summary>
        Reversed,

        /// <summary>Wrong: a rounded product, then a rounded addition.</summary>
        Unfused,

        /// <summary>Wrong: the sum carried from block to block, C added once at the end.</summary>
        CarriedAcrossBlocks,
    }

    /// <summary>One row times a (possibly strided) B into a C placed between sentinels, all at odd offsets.</summary>
    private sealed class RowProblem
    {
        private const int Guard = 8;
        private const float Sentinel = -12345.678f;

        private float[] x = [];
        private float[] b = [];
        private float[] c = [];
        private int xOffset, bOffset, cOffset, k, n, ldb;

        public static RowProblem Random(DeterministicRandom random, int k, int n, int ldb)
        {
            int xOffset = (int)(random.NextUInt64() % 8), bOffset = (int)(random.NextUInt64() % 8), cOffset = (int)(random.NextUInt64() % 8);
            float[] c = Enumerable.Repeat(Sentinel, cOffset + n + Guard).ToArray();
            Values(random, n).CopyTo(c, cOffset);
            return new RowProblem
            {
                x = [.. new float[xOffset], .. Values(random, k)],
                b = [.. new float[bOffset], .. Values(random, (k - 1) * ldb + n)],
                c = c,
                xOffset = xOffset,
                bOffset = bOffset,
                cOffset = cOffset,
                k = k,
                n = n,
                ldb = ldb,
            };
        }

        /// <summary>
        /// Random signs and magnitudes spread over 2⁻⁸…2⁸, so partial sums cancel and round differently in any other order.
        /// </summary>
        public static float[] Values(DeterministicRandom random, int count)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                double mantissa = 1 + random.NextDouble();
                int exponent = (int)(random.NextUInt64() % 17) - 8;
                values[i] = (float)(Math.ScaleB(mantissa, exponent) * (random.NextUInt64() % 2 == 0 ? 1 : -1));
            }

            return values;
        }

        /// <summary>The row of C (n values) after the product; also checks the sentinels around it.</summary>
        public float[] Run(bool accumulate, bool useKernel)
        {
            if (!useKernel)
            {
                return RunReference(accumulate, Order.Blocked);
            }

            float[] target = (float[])c.Clone();
            GemmRowKernel.Multiply(
                x.AsSpan(xOffset, k), b.AsSpan(bOffset), ldb, k, n, target.AsSpan(cOffset, n + Guard), accumulate);
            return Unwrap(target);
        }

        /// <summary>The scalar reference in the given order.</summary>
        public float[] RunReference(bool accumulate, Order order)
        {
            float[] target = (float[])c.Clone();
            ReadOnlySpan<float> row = x.AsSpan(xOffset, k);
            ReadOnlySpan<float> matrix = b.AsSpan(bOffset);
            Span<float> output = target.AsSpan(cOffset, n);

            // GemmBlocked's balanced k blocks: the fewest blocks of at most MaxBlockDepth, as equal as possible.
            int blocks = (k + GemmBlocked.MaxBlockDepth - 1) / GemmBlocked.MaxBlockDepth;
            int step = order == Order.OneBlock ? k : Math.Min((k + blocks - 1) / blocks, GemmBlocked.MaxBlockDepth);
            for (int j = 0; j < n; j++)
            {
                float carried = 0;
                for (int start = 0; start < k; start += step)
                {
                    int end = Math.Min(start + step, k);
                    float sum = order == Order.CarriedAcrossBlocks ? carried : 0;
                    for (int i = 0; i < end - start; i++)
                    {
                        int p = order == Order.Reversed ? end - 1 - i : start + i;
                        sum = order == Order.Unfused
                            ? sum + row[p] * matrix[p * ldb + j]
                            : MathF.FusedMultiplyAdd(row[p], matrix[p * ldb + j], sum);
                    }

                    if (order == Order.CarriedAcrossBlocks)
                    {
                        carried = sum;
                        continue;
                    }

                    bool addToC = accumulate || start > 0;
                    output[j] = addToC ? sum + output[j] : sum;
                }

                if (order == Order.CarriedAcrossBlocks)
                {
                    output[j] = accumulate ? carried + output[j] : carried;
                }
            }

            return Unwrap(target);
        }

        /// <summary>The n outputs, after checking that nothing before or after them was written.</summary>
        private float[] Unwrap(float[] target)
        {
            for (int i = 0; i < cOffset; i++)
            {
                Assert.Equal(Sentinel, target[i]);
            }

            for (int i = cOffset + n; i < target.Length; i++)
            {
                Assert.Equal(Sentinel, target[i]);
            }

            return target.AsSpan(cOffset, n).ToArray();
        }
    }
}
