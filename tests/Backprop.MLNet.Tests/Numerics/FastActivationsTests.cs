using System.Runtime.Intrinsics;
using Backprop.MLNet.Numerics;

namespace Backprop.MLNet.Tests.Numerics;

/// <summary>The single-precision SIMD exp, tanh and sigmoid against System.Math in double.</summary>
public class FastActivationsTests
{
    [Fact]
    public void MatchMathWithinTheirStatedErrors()
    {
        if (!FastActivations.IsSupported)
        {
            return; // the portable path (TensorPrimitives) is used instead
        }

        double expRelative = 0, tanhAbsolute = 0, sigmoidAbsolute = 0;
        for (double x = -100; x <= 100; x += 0.0007)
        {
            var v = Vector256.Create((float)x);
            double xf = (float)x;
            double exp = FastActivations.Exp(v).ToScalar();
            if (xf is > -87 and < 88)
            {
                expRelative = Math.Max(expRelative, Math.Abs(exp - Math.Exp(xf)) / Math.Exp(xf));
            }

            tanhAbsolute = Math.Max(tanhAbsolute, Math.Abs(FastActivations.Tanh(v).ToScalar() - Math.Tanh(xf)));
            sigmoidAbsolute = Math.Max(sigmoidAbsolute, Math.Abs(FastActivations.Sigmoid(v).ToScalar() - 1 / (1 + Math.Exp(-xf))));
        }

        Assert.True(expRelative < 4e-7, $"exp relative error {expRelative:E2}");
        Assert.True(tanhAbsolute < 3e-7, $"tanh absolute error {tanhAbsolute:E2}");
        Assert.True(sigmoidAbsolute < 2e-7, $"sigmoid absolute error {sigmoidAbsolute:E2}");
    }

    [Fact]
    public void TailsAreExactAndNeverNaN()
    {
        if (!FastActivations.IsSupported)
        {
            return;
        }

        foreach (float x in new[] { float.MaxValue, 1e30f, 200f, -200f, -1e30f, float.MinValue })
        {
            float t = FastActivations.Tanh(Vector256.Create(x)).ToScalar();
            float s = FastActivations.Sigmoid(Vector256.Create(x)).ToScalar();
            Assert.True(t == (x > 0 ? 1f : -1f), $"tanh({x}) = {t:R}");
            Assert.True(x > 0 ? s == 1f : s is >= 0f and < 1e-37f, $"σ({x}) = {s:R}");
        }
    }

    [Fact]
    public void FusedRowPassHandlesTailsOfAnyLength()
    {
        if (!FastActivations.IsSupported)
        {
            return;
        }

        for (int n = 0; n < 20; n++)
        {
            float[] row = Enumerable.Range(0, n).Select(i => (i - 7) * 0.37f).ToArray();
            float[] bias = Enumerable.Range(0, n).Select(i => i * 0.01f).ToArray();
            float[] tanh = (float[])row.Clone();
            FastActivations.AddBiasAndActivate(tanh, bias, MlpActivation.Tanh);
            float[] sigmoid = (float[])row.Clone();
            FastActivations.AddBiasAndActivate(sigmoid, bias, MlpActivation.Sigmoid);
            for (int i = 0; i < n; i++)
            {
                Assert.True(Math.Abs(Math.Tanh(row[i] + bias[i]) - tanh[i]) < 3e-7, $"n={n}, i={i}: tanh {tanh[i]:R}");
                Assert.True(Math.Abs(1 / (1 + Math.Exp(-(row[i] + bias[i]))) - sigmoid[i]) < 2e-7, $"n={n}, i={i}: σ {sigmoid[i]:R}");
            }
        }
    }
}
