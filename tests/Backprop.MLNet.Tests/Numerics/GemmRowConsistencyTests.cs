using Backprop.MLNet.Numerics;
using Backprop.MLNet.Training;

namespace Backprop.MLNet.Tests.Numerics;

/// <summary>A row multiplied alone gives the same bits as the same row inside a larger product (PredictionEngine = Transform).</summary>
public class GemmRowConsistencyTests
{
    [Theory]
    [InlineData(100, 128)]
    [InlineData(128, 64)]
    [InlineData(9, 32)]
    [InlineData(300, 37)]
    [InlineData(600, 5)]
    [InlineData(1, 17)]
    public void SingleRowMatchesTheBlockedKernelBitForBit(int k, int n)
    {
        var random = new DeterministicRandom(k * 1000 + n);
        const int m = 13;
        float[] a = Fill(m * k, random), b = Fill(k * n, random);
        float[] block = new float[m * n];
        Gemm.Multiply<float>(Transpose.No, Transpose.No, m, n, k, a, k, b, n, block, n, accumulate: false);
        for (int i = 0; i < m; i++)
        {
            float[] row = new float[n];
            Gemm.Multiply<float>(Transpose.No, Transpose.No, 1, n, k, a.AsSpan(i * k, k), k, b, n, row, n, accumulate: false);
            Assert.Equal(block.AsSpan(i * n, n).ToArray(), row);
        }

        // Accumulating onto existing values rounds the same way too.
        float[] blockAcc = Fill(m * n, random);
        float[] rowAcc = (float[])blockAcc.Clone();
        Gemm.Multiply<float>(Transpose.No, Transpose.No, m, n, k, a, k, b, n, blockAcc, n, accumulate: true);
        Gemm.Multiply<float>(Transpose.No, Transpose.No, 1, n, k, a.AsSpan(2 * k, k), k, b, n, rowAcc.AsSpan(2 * n, n), n, accumulate: true);
        Assert.Equal(blockAcc.AsSpan(2 * n, n).ToArray(), rowAcc.AsSpan(2 * n, n).ToArray());
    }

    private static float[] Fill(int count, DeterministicRandom random) =>
        Enumerable.Range(0, count).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
}
