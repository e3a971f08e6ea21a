using Backprop.MLNet.Samples.Handout;

namespace Backprop.MLNet.Tests.Samples;

/// <summary>The Handout sample prints values that the library and an independent scalar computation agree with.</summary>
public class HandoutSampleTests
{
    [Fact]
    public void WalkthroughAgreesWithTheLibraryAndTakesADescentStep()
    {
        HandoutWalkthrough walk = HandoutWalkthrough.Run();

        Assert.True(walk.LibraryDifference < 1e-6f, $"handout equations vs BackpropTrace: {walk.LibraryDifference}");
        Assert.True(walk.TrainerDifference < 1e-6f, $"hand step vs trainer step: {walk.TrainerDifference}");
        Assert.True(walk.LossAfterStep < walk.Pass.Loss, $"loss {walk.Pass.Loss} → {walk.LossAfterStep}");
    }

    [Fact]
    public void PrintedLossEqualsAnIndependentScalarComputation()
    {
        var text = new StringWriter();
        new HandoutReport(text).Write(HandoutWalkthrough.Run());

        double expected = ScalarLoss(HandoutNetwork.Example);
        string lossLine = text.ToString().Split('\n').Single(l => l.TrimStart().StartsWith("L ", StringComparison.Ordinal));
        double printed = double.Parse(lossLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, printed, 6);
    }

    // The handout's forward pass and mean BCE in double-precision scalar loops, sharing no code with the sample.
    private static double ScalarLoss(HandoutNetwork net)
    {
        var x = HandoutNetwork.ExampleInputs;
        var y = HandoutNetwork.ExampleLabels;
        double total = 0;
        for (int i = 0; i < x.RowCount; i++)
        {
            var h1 = new double[net.W1.ColumnCount];
            for (int k = 0; k < h1.Length; k++)
            {
                double u = net.B1[k];
                for (int f = 0; f < x.ColumnCount; f++)
                {
                    u += x[i, f] * net.W1[f, k];
                }

                h1[k] = Math.Tanh(u);
            }

            var h2 = new double[net.W2.ColumnCount];
            for (int l = 0; l < h2.Length; l++)
            {
                double u = net.B2[l];
                for (int k = 0; k < h1.Length; k++)
                {
                    u += h1[k] * net.W2[k, l];
                }

                h2[l] = 1 / (1 + Math.Exp(-u));
            }

            double u3 = net.C;
            for (int l = 0; l < h2.Length; l++)
            {
                u3 += h2[l] * net.U[l];
            }

            double yHat = 1 / (1 + Math.Exp(-u3));
            total += -(y[i] * Math.Log(yHat) + (1 - y[i]) * Math.Log(1 - yHat));
        }

        return total / x.RowCount;
    }
}
