using Backprop.MLNet.Network;
using Backprop.MLNet.Training;

namespace Backprop.MLNet.Tests.Training;

/// <summary>
/// A very wide first layer starts with nearly one score for every row (its initial weights shrink with the fan-in), so a
/// short or slow run can end with scores that still barely vary. That is a model that has hardly learned yet, not one
/// that collapsed: it is returned with a warning, never thrown away. (Units saturated from the start, which tie most
/// rows on one exact score, are still an error: FeatureScalingTests.)
/// </summary>
public class SlowStartTests
{
    [Fact]
    public void ANarrowStartThatTrainingWidensIsAWarningNotAnError()
    {
        TrainingSet<float> set = WideSparse(rows: 2_000, columns: 100_000, nonZeros: 50);
        var options = new MlpTrainingOptions
        {
            Optimizer = MlpOptimizer.Sgd, LearningRate = 0.1f, BatchSize = 256, NumberOfEpochs = 2, ValidationFraction = 0, Seed = 1,
        };
        var warnings = new List<string>();
        TrainingResult<float> result = NetworkTrainer.Train(set, null, null, options, 1, new TrainingObserver { Warning = warnings.Add });

        // The case this is about: the kept scores span less than 0.01 (which once counted as a collapse).
        string warning = Assert.Single(warnings);
        Assert.Contains("barely vary", warning);
        Assert.Contains("More epochs or a larger LearningRate", warning);
        Assert.Equal(0.1, result.LearningRate, 6); // no restart with a smaller step

        // The advice holds: the same run for longer learns, with no warning.
        options.NumberOfEpochs = 40;
        warnings.Clear();
        TrainingResult<float> longer = NetworkTrainer.Train(set, null, null, options, 1, new TrainingObserver { Warning = warnings.Add });
        Assert.Empty(warnings);
        Assert.True(TrainingAuc(longer.Network, set) > 0.7, $"training AUC {TrainingAuc(longer.Network, set)} after 40 epochs");
        Assert.True(TrainingAuc(longer.Network, set) > TrainingAuc(result.Network, set));
    }

    /// <summary>Rows of <paramref name="nonZeros"/> equal values at random columns, labelled by a random linear teacher.</summary>
    private static TrainingSet<float> WideSparse(int rows, int columns, int nonZeros)
    {
        var random = new Random(11);
        double[] teacher = Enumerable.Range(0, columns).Select(_ => random.NextDouble() - 0.5).ToArray();
        var values = new List<float>();
        var indices = new List<int>();
        var starts = new List<int> { 0 };
        float[] labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var picked = new SortedSet<int>();
            while (picked.Count < nonZeros)
            {
                picked.Add(random.Next(columns));
            }

            double z = 0;
            foreach (int c in picked)
            {
                indices.Add(c);
                values.Add(1f / MathF.Sqrt(nonZeros));
                z += teacher[c];
            }

            starts.Add(indices.Count);
            labels[r] = z > 0 ? 1 : 0;
        }

        return TrainingSet<float>.FromSparse(values.ToArray(), indices.ToArray(), starts.ToArray(), columns, labels);
    }

    /// <summary>The share of (positive, negative) pairs the network's logits put in the right order.</summary>
    private static double TrainingAuc(NetworkParameters<float> net, TrainingSet<float> set)
    {
        var ws = new Workspace<float>(net.Layout, set.Rows);
        Backpropagation.Forward(net, InputBatch<float>.FromSparse(set.Values, set.Indices, set.RowStarts, set.Columns), ws);
        float[] logits = ws.U3(set.Rows).ToArray();
        var positives = new List<float>();
        var negatives = new List<float>();
        for (int i = 0; i < logits.Length; i++)
        {
            (set.Labels[i] > 0.5f ? positives : negatives).Add(logits[i]);
        }

        double right = 0;
        foreach (float p in positives)
        {
            foreach (float n in negatives)
            {
                right += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }

        return right / ((double)positives.Count * negatives.Count);
    }
}
