using Backprop.MLNet.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.MLNet.Tests.Numerics;

public class GemmTests
{
    /// <summary>Sizes around the micro-tile (6×16), the vector width (8) and the cache blocks (144 rows, 256 deep).</summary>
    private static readonly int[] EdgeSizes = { 1, 2, 5, 6, 7, 8, 9, 15, 16, 17, 23, 31, 33, 47, 64, 100, 143, 145, 255, 257 };

    /// <summary>Every (A transposed, B transposed, accumulate) combination.</summary>
    public static TheoryData<bool, bool, bool> AllCases()
    {
        var data = new TheoryData<bool, bool, bool>();
        foreach (bool transposeA in new[] { false, true })
        {
            foreach (bool transposeB in new[] { false, true })
            {
                data.Add(transposeA, transposeB, false);
                data.Add(transposeA, transposeB, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void RandomShapesMatchTheDoubleReference(bool transposeA, bool transposeB, bool accumulate)
    {
        (Transpose transA, Transpose transB) = (Of(transposeA), Of(transposeB));
        var random = new Random(HashCode.Combine(transA, transB, accumulate));
        for (int trial = 0; trial < 60; trial++)
        {
            int m = EdgeSizes[random.Next(EdgeSizes.Length)];
            int n = EdgeSizes[random.Next(EdgeSizes.Length)];
            int k = trial % 10 == 0 ? random.Next(0, 3) : EdgeSizes[random.Next(EdgeSizes.Length)];
            var problem = Problem.Random(random, transA, transB, m, n, k, padding: random.Next(0, 4));
            problem.CheckFloat(accumulate, maxThreads: 1);
        }
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void NetworkShapesMatchTheDoubleReference(bool transposeA, bool transposeB, bool accumulate)
    {
        (Transpose transA, Transpose transB) = (Of(transposeA), Of(transposeB));
        // The products of a 100→128→64→1 network on a batch of 256, and a product deeper than one k block.
        (int M, int N, int K)[] shapes =
        {
            (256, 128, 100), (256, 64, 128), (100, 128, 256), (128, 64, 256), (256, 128, 64),
            (256, 1, 64), (64, 1, 256), (1, 64, 256), (256, 64, 1), (97, 83, 700),
        };
        var random = new Random(7);
        foreach ((int m, int n, int k) in shapes)
        {
            var problem = Problem.Random(random, transA, transB, m, n, k, padding: 0);
            problem.CheckFloat(accumulate, maxThreads: 1);
            problem.CheckFloat(accumulate, maxThreads: 2);
        }
    }

    [Fact]
    public void ConcurrentCallersGetCorrectResults()
    {
        // Callers racing for the shared workers: the losers compute alone, with the same bits.
        var random = new Random(5);
        var problem = Problem.Random(random, Transpose.No, Transpose.Yes, 150, 140, 130, padding: 1);
        float[] expected = problem.RunFloat(accumulate: false, maxThreads: 1);
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (int repeat = 0; repeat < 20; repeat++)
            {
                Assert.Equal(expected, problem.RunFloat(accumulate: false, maxThreads: 2));
            }
        });
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void DoubleMatchesTheReference(bool transposeA, bool transposeB, bool accumulate)
    {
        (Transpose transA, Transpose transB) = (Of(transposeA), Of(transposeB));
        var random = new Random(3);
        foreach ((int m, int n, int k) in new[] { (1, 1, 1), (7, 1, 33), (1, 9, 17), (37, 29, 300), (5, 600, 3), (64, 64, 0) })
        {
            var problem = Problem.Random(random, transA, transB, m, n, k, padding: 2);
            problem.CheckDouble(accumulate);
        }
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void PortableFloatPathMatchesTheReference(bool transposeA, bool transposeB, bool accumulate)
    {
        (Transpose transA, Transpose transB) = (Of(transposeA), Of(transposeB));
        // The path taken by float on machines without AVX2/FMA, called directly so it is tested here too.
        var random = new Random(13);
        foreach ((int m, int n, int k) in new[] { (2, 2, 1), (37, 29, 300), (130, 600, 9) })
        {
            var problem = Problem.Random(random, transA, transB, m, n, k, padding: 2);
            float[] c = problem.InitialC();
            GemmPortable.Multiply<float>(transA, transB, m, n, k, problem.A, problem.Lda, problem.B, problem.Ldb, c, problem.Ldc, accumulate);
            problem.AssertClose(c, accumulate);
        }
    }

    [Fact]
    public void EmptyInnerDimensionZeroesOrKeepsC()
    {
        float[] c = { 1, 2, 3, 4, 5, 6 };
        Gemm.Multiply<float>(Transpose.No, Transpose.No, 2, 2, 0, Array.Empty<float>(), 0, Array.Empty<float>(), 2, c, 3, accumulate: true);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, c);

        Gemm.Multiply<float>(Transpose.No, Transpose.No, 2, 2, 0, Array.Empty<float>(), 0, Array.Empty<float>(), 2, c, 3, accumulate: false);
        Assert.Equal(new float[] { 0, 0, 3, 0, 0, 6 }, c); // the padding column stays
    }

    [Fact]
    public void EmptyOutputTouchesNothing()
    {
        float[] c = { 9 };
        Gemm.Multiply<float>(Transpose.No, Transpose.No, 0, 5, 5, Array.Empty<float>(), 5, new float[25], 5, Array.Empty<float>(), 5, accumulate: false);
        Gemm.Multiply<float>(Transpose.No, Transpose.No, 1, 0, 3, new float[3], 3, Array.Empty<float>(), 0, c, 0, accumulate: false);
        Assert.Equal(9, c[0]);
    }

    [Fact]
    public void TooShortOperandsAreRejected()
    {
        var a = new float[6 * 6];
        var b = new float[6 * 6];
        var c = new float[6 * 6];
        Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply<float>(Transpose.No, Transpose.No, 6, 6, 7, a, 7, b, 6, c, 6, accumulate: false));
        Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply<float>(Transpose.No, Transpose.Yes, 6, 6, 6, a, 6, b, 7, c, 6, accumulate: false));
        Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply<float>(Transpose.No, Transpose.No, 7, 6, 6, new float[7 * 6], 6, b, 6, c, 6, accumulate: false));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply<float>(Transpose.No, Transpose.No, 6, 6, 6, a, 5, b, 6, c, 6, accumulate: false));
    }

    [Fact]
    public void AgreesWithMathNet()
    {
        var random = new Random(17);
        const int m = 70, n = 50, k = 90;
        float[] a = RandomValues(random, m * k);
        float[] b = RandomValues(random, k * n);
        var c = new float[m * n];
        Gemm.Multiply<float>(Transpose.No, Transpose.No, m, n, k, a, k, b, n, c, n, accumulate: false);

        Matrix<float> expected = Matrix<float>.Build.DenseOfRowMajor(m, k, a).Multiply(Matrix<float>.Build.DenseOfRowMajor(k, n, b));
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                Assert.True(Math.Abs(c[i * n + j] - expected[i, j]) <= 1e-4f, $"C[{i},{j}] = {c[i * n + j]}, MathNet gives {expected[i, j]}");
            }
        }
    }

    private static Transpose Of(bool transposed) => transposed ? Transpose.Yes : Transpose.No;

    private static float[] RandomValues(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }

    /// <summary>Random operands of one product, with leading dimensions <c>padding</c> wider than needed.</summary>
    internal sealed class Problem
    {
        private const float Sentinel = -12345f;

        private double[]? expectedOverwritten;
        private double[]? expectedAccumulated;

        private Problem(Transpose transA, Transpose transB, int m, int n, int k, int lda, int ldb, int ldc, float[] a, float[] b, float[] c)
        {
            TransA = transA;
            TransB = transB;
            M = m;
            N = n;
            K = k;
            Lda = lda;
            Ldb = ldb;
            Ldc = ldc;
            A = a;
            B = b;
            C = c;
        }

        public Transpose TransA { get; }

        public Transpose TransB { get; }

        public int M { get; }

        public int N { get; }

        public int K { get; }

        public int Lda { get; }

        public int Ldb { get; }

        public int Ldc { get; }

        public float[] A { get; }

        public float[] B { get; }

        /// <summary>Initial C, with <see cref="Sentinel"/> in the padding columns.</summary>
        public float[] C { get; }

        public static Problem Random(Random random, Transpose transA, Transpose transB, int m, int n, int k, int padding)
        {
            int lda = (transA == Transpose.No ? k : m) + padding;
            int ldb = (transB == Transpose.No ? n : k) + padding;
            int ldc = n + padding;
            int rowsA = transA == Transpose.No ? m : k;
            int rowsB = transB == Transpose.No ? k : n;
            float[] c = RandomValues(random, m * ldc);
            for (int i = 0; i < m; i++)
            {
                for (int j = n; j < ldc; j++)
                {
                    c[i * ldc + j] = Sentinel;
                }
            }

            return new Problem(transA, transB, m, n, k, lda, ldb, ldc, RandomValues(random, rowsA * lda), RandomValues(random, rowsB * ldb), c);
        }

        public float[] InitialC() => (float[])C.Clone();

        public float[] RunFloat(bool accumulate, int maxThreads)
        {
            float[] c = InitialC();
            Gemm.Multiply<float>(TransA, TransB, M, N, K, A, Lda, B, Ldb, c, Ldc, accumulate, maxThreads);
            return c;
        }

        public void CheckFloat(bool accumulate, int maxThreads) => AssertClose(RunFloat(accumulate, maxThreads), accumulate);

        public void CheckDouble(bool accumulate)
        {
            double[] c = ToDouble(C);
            Gemm.Multiply<double>(TransA, TransB, M, N, K, ToDouble(A), Lda, ToDouble(B), Ldb, c, Ldc, accumulate, maxThreads: 2);
            double[] expected = Expected(accumulate);
            for (int i = 0; i < c.Length; i++)
            {
                Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-12 * (K + 1), Describe(i, c[i], expected[i], accumulate));
            }
        }

        /// <summary>
        /// Checks <paramref name="c"/> against the reference computed in double: error ≤ 1e-5·√k per unit of
        /// magnitude (entries are in [−1, 1]), and the padding columns untouched.
        /// </summary>
        public void AssertClose(float[] c, bool accumulate)
        {
            double[] expected = Expected(accumulate);
            double tolerance = 1e-5 * Math.Sqrt(Math.Max(K, 1));
            for (int i = 0; i < c.Length; i++)
            {
                if (i % Ldc >= N)
                {
                    Assert.True(c[i] == Sentinel, $"padding element {i} of C was overwritten ({TransA}{TransB} {M}×{N}×{K})");
                    continue;
                }

                double error = Math.Abs(c[i] - expected[i]);
                Assert.True(error <= tolerance * (1 + Math.Abs(expected[i])), Describe(i, c[i], expected[i], accumulate));
            }
        }

        /// <summary>The reference product in double (cached: several runs are checked against it).</summary>
        private double[] Expected(bool accumulate)
        {
            ref double[]? cached = ref accumulate ? ref expectedAccumulated : ref expectedOverwritten;
            if (cached is null)
            {
                cached = ToDouble(C);
                Gemm.Reference<double>(TransA, TransB, M, N, K, ToDouble(A), Lda, ToDouble(B), Ldb, cached, Ldc, accumulate);
            }

            return cached;
        }

        private string Describe(int index, double actual, double expected, bool accumulate) =>
            $"{TransA}{TransB} {M}×{N}×{K} lda={Lda} ldb={Ldb} ldc={Ldc} accumulate={accumulate}: " +
            $"C[{index / Ldc},{index % Ldc}] = {actual}, expected {expected}";

        private static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);
    }
}
