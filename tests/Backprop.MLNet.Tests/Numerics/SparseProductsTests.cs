using System.Numerics.Tensors;
using Backprop.MLNet.Numerics;

namespace Backprop.MLNet.Tests.Numerics;

/// <summary>The sparse products' register-resident AVX path rounds exactly as the general path (a multiply, then an add, non-zero by non-zero).</summary>
public class SparseProductsTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(24)]
    [InlineData(32)]
    [InlineData(40)]
    [InlineData(64)]
    [InlineData(12)]
    [InlineData(72)]
    public void BothProductsMatchAReferenceBitForBit(int n)
    {
        var random = new Random(n);
        const int rows = 9, k = 50;
        var values = new List<float>();
        var indices = new List<int>();
        var starts = new List<int> { 0 };
        for (int i = 0; i < rows; i++)
        {
            foreach (int j in Enumerable.Range(0, k).Where(_ => random.NextDouble() < 0.3))
            {
                values.Add((float)(random.NextDouble() * 4 - 2));
                indices.Add(j);
            }

            starts.Add(values.Count);
        }

        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] d = Enumerable.Range(0, rows * n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

        float[] c = new float[rows * n];
        SparseProducts.Multiply<float>(values.ToArray(), indices.ToArray(), starts.ToArray(), b, n, c);
        float[] expected = new float[rows * n];
        for (int i = 0; i < rows; i++)
        {
            for (int p = starts[i]; p < starts[i + 1]; p++)
            {
                for (int j = 0; j < n; j++)
                {
                    expected[i * n + j] = b[indices[p] * n + j] * values[p] + expected[i * n + j];
                }
            }
        }

        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), c.Select(BitConverter.SingleToInt32Bits));

        float[] accumulated = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble()).ToArray();
        float[] reference = (float[])accumulated.Clone();
        SparseProducts.MultiplyTransposedAccumulate<float>(values.ToArray(), indices.ToArray(), starts.ToArray(), d, n, accumulated);
        for (int i = 0; i < rows; i++)
        {
            for (int p = starts[i]; p < starts[i + 1]; p++)
            {
                Span<float> row = reference.AsSpan(indices[p] * n, n);
                TensorPrimitives.MultiplyAdd(d.AsSpan(i * n, n), values[p], row, row);
            }
        }

        Assert.Equal(reference.Select(BitConverter.SingleToInt32Bits), accumulated.Select(BitConverter.SingleToInt32Bits));
    }
}
