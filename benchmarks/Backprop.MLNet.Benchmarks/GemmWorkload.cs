using Backprop.MLNet.Numerics;
using Backprop.MLNet.Training;
using MathNet.Numerics.LinearAlgebra;

namespace Backprop.MLNet.Benchmarks;

/// <summary>The product kernels alone on the MLP's shapes (batch 256, 100→128→64) and on 2048², in GFLOP/s, with MathNet for reference.</summary>
internal static class GemmWorkload
{
    private static readonly (string Name, Transpose A, Transpose B, int M, int N, int K)[] Shapes =
    [
        ("forward_256x100_100x128", Transpose.No, Transpose.No, 256, 128, 100),
        ("forward_256x128_128x64", Transpose.No, Transpose.No, 256, 64, 128),
        ("dW1_100x256_256x128_TN", Transpose.Yes, Transpose.No, 100, 128, 256),
        ("dW2_128x256_256x64_TN", Transpose.Yes, Transpose.No, 128, 64, 256),
        ("dh1_256x64_64x128_NT", Transpose.No, Transpose.Yes, 256, 128, 64),
    ];

    public static Dictionary<string, object> Run(bool quick)
    {
        // The first pass lets the JIT reach its optimised tier on every path; the second is reported.
        RunOnce(quick: true);
        return RunOnce(quick);
    }

    private static Dictionary<string, object> RunOnce(bool quick)
    {
        var result = new Dictionary<string, object>();
        var random = new DeterministicRandom(5);
        int square = quick ? 512 : 2048;
        foreach (var (name, ta, tb, m, n, k) in Shapes.Append(($"square_{square}", Transpose.No, Transpose.No, square, square, square)))
        {
            float[] a = Fill(m * k, random), b = Fill(k * n, random), c = new float[m * n];
            int lda = ta == Transpose.No ? k : m, ldb = tb == Transpose.No ? n : k;
            double flops = 2.0 * m * n * k;
            int repeats = (int)Math.Clamp(2e9 / flops, 3, 20000) / (quick ? 20 : 1) + 1;
            foreach (int threads in new[] { 1, 2 })
            {
                double seconds = Measure.MedianSeconds(5, () =>
                {
                    for (int r = 0; r < repeats; r++)
                    {
                        Gemm.Multiply<float>(ta, tb, m, n, k, a, lda, b, ldb, c, n, accumulate: false, threads);
                    }
                }) / repeats;
                result[$"{name}_gflops_{threads}t"] = Measure.Round(flops / seconds / 1e9, 2);
            }

            if (ta == Transpose.No && tb == Transpose.No)
            {
                Matrix<float> ma = Matrix<float>.Build.Dense(m, k, a), mb = Matrix<float>.Build.Dense(k, n, b), mc = Matrix<float>.Build.Dense(m, n);
                int mathNetRepeats = Math.Max(1, repeats / 10);
                double seconds = Measure.MedianSeconds(3, () =>
                {
                    for (int r = 0; r < mathNetRepeats; r++)
                    {
                        ma.Multiply(mb, mc);
                    }
                }) / mathNetRepeats;
                result[$"{name}_mathnet_gflops"] = Measure.Round(flops / seconds / 1e9, 2);
            }
        }

        return result;
    }

    private static float[] Fill(int count, DeterministicRandom random)
    {
        float[] values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(2 * random.NextDouble() - 1);
        }

        return values;
    }
}
