using Backprop.MLNet.Numerics;

namespace Backprop.MLNet.Tests.Numerics;

/// <summary>The vectorised search for NaN and ±∞ finds the first one, wherever it is (vector part or tail).</summary>
public class FiniteValuesTests
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void FindsTheFirstNonFiniteValueAtEveryPosition(float bad)
    {
        for (int length = 0; length <= 40; length++)
        {
            float[] values = Enumerable.Range(0, length).Select(i => (i - 20) * 1e37f).ToArray(); // large but finite
            Assert.Equal(-1, FiniteValues.IndexOfNonFinite<float>(values));
            for (int at = 0; at < length; at++)
            {
                float[] copy = (float[])values.Clone();
                copy[at] = bad;
                if (at + 3 < length)
                {
                    copy[at + 3] = float.NaN; // a later one must not be reported first
                }

                Assert.Equal(at, FiniteValues.IndexOfNonFinite<float>(copy));
            }
        }
    }

    [Fact]
    public void WorksForDoubles()
    {
        double[] values = [1, 2, 3, 4, 5, 6, double.MaxValue, -7, double.NaN];
        Assert.Equal(8, FiniteValues.IndexOfNonFinite<double>(values));
        Assert.Equal(-1, FiniteValues.IndexOfNonFinite<double>(values.AsSpan(0, 8)));
    }
}
