using Backprop.MLNet.Training;
using Backprop.MLNet.Training.Optimizers;

namespace Backprop.MLNet.Tests.Training;

/// <summary>Adam's and momentum's vectorised updates give the same float bits as its formula applied one element at a time, whole or in slices.</summary>
public class OptimizerVectorisationTests
{
    private const float B1 = 0.9f, B2 = 0.999f, Eps = 1e-8f;
    private const double Eta = 0.01;

    [Theory]
    [InlineData(37, 0)]
    [InlineData(64, 0)]
    [InlineData(37, 5)]
    [InlineData(3, 11)]
    public void VectorisedStepsMatchTheScalarFormulaBitForBit(int length, int offset)
    {
        const int total = 80;
        var random = new DeterministicRandom(length * 100 + offset);
        float[] theta = new float[total]; // from zero, so every bit of the steps shows in θ
        float[] expected = (float[])theta.Clone();
        var adam = new AdamOptimizer<float>(Eta, B1, B2, Eps, total);
        float[] m = new float[total], v = new float[total];
        for (int t = 1; t <= 3; t++)
        {
            float[] gradient = Fill(length, random);
            adam.BeginStep();
            adam.Update(theta.AsSpan(offset, length), gradient, offset);

            float etaT = (float)(Eta * Math.Sqrt(1 - Math.Pow(B2, t)) / (1 - Math.Pow(B1, t)));
            for (int i = 0; i < length; i++)
            {
                int at = offset + i;
                float g = gradient[i];
                m[at] = B1 * m[at] + (1 - B1) * g;
                v[at] = B2 * v[at] + (1 - B2) * g * g;
                expected[at] -= etaT * m[at] / (MathF.Sqrt(v[at]) + Eps);
            }
        }

        Assert.Equal(expected, theta);
    }

    [Theory]
    [InlineData(37, 5, false)]
    [InlineData(64, 0, true)]
    [InlineData(37, 5, true)]
    public void VectorisedMomentumStepsMatchTheScalarFormulaBitForBit(int length, int offset, bool nesterov)
    {
        const int total = 80;
        const float mu = 0.9f, minusEta = -0.01f;
        var random = new DeterministicRandom(length * 100 + offset);
        float[] theta = new float[total];
        float[] expected = new float[total], velocity = new float[total];
        var momentum = new MomentumOptimizer<float>(-minusEta, mu, nesterov, total);
        for (int t = 1; t <= 3; t++)
        {
            float[] gradient = Fill(length, random);
            momentum.BeginStep();
            momentum.Update(theta.AsSpan(offset, length), gradient, offset);
            for (int i = 0; i < length; i++)
            {
                int at = offset + i;
                float step = minusEta * gradient[i];
                velocity[at] = mu * velocity[at] + step;
                expected[at] += nesterov ? mu * velocity[at] + step : velocity[at];
            }
        }

        Assert.Equal(expected, theta);
    }

    private static float[] Fill(int count, DeterministicRandom random) =>
        Enumerable.Range(0, count).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();

    [Theory]
    [InlineData(MlpOptimizer.Adam)]
    [InlineData(MlpOptimizer.Momentum)]
    [InlineData(MlpOptimizer.Sgd)]
    public void UpdatingRowsEqualsUpdatingEachRow(MlpOptimizer kind)
    {
        const int width = 16, rowCount = 10, total = width * rowCount + 7;
        var options = new MlpTrainingOptions { Optimizer = kind };
        var byRows = ParameterOptimizer<float>.Create(options, total, 0.01);
        var oneByOne = ParameterOptimizer<float>.Create(options, total, 0.01);
        var random = new DeterministicRandom(3);
        float[] a = Fill(total, random), b = (float[])a.Clone();
        int[] rows = [7, 2, 9, 0];
        for (int step = 0; step < 3; step++)
        {
            float[] gradient = Fill(total, random);
            byRows.BeginStep();
            byRows.UpdateRows(a, gradient, rows, width);
            oneByOne.BeginStep();
            foreach (int row in rows)
            {
                oneByOne.Update(b.AsSpan(row * width, width), gradient.AsSpan(row * width, width), row * width);
            }
        }

        Assert.Equal(b.Select(BitConverter.SingleToInt32Bits), a.Select(BitConverter.SingleToInt32Bits));
    }
}
