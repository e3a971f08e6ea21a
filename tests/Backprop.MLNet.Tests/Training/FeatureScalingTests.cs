using Backprop.MLNet.Network;
using Backprop.MLNet.Training;

namespace Backprop.MLNet.Tests.Training;

/// <summary>Feature scaling inside the trainer: the statistics, and folding the scaling into the first layer.</summary>
public class FeatureScalingTests
{
    [Fact]
    public void DenseStatisticsAreTheWeightedMeanAndStandardDeviation()
    {
        // Column 0: 1, 2, 3 with weights 1, 1, 2 → the values 1, 2, 3, 3: mean 2.25, variance 0.6875. Column 1 is constant.
        var set = TrainingSet<double>.FromDense([1, 5, 2, 5, 3, 5], 3, 2, [0, 1, 0], [1, 1, 2]);
        var scaling = FeatureScaling<double>.Fit(set);
        Assert.Equal(2.25, scaling.Shift[0], 12);
        Assert.Equal(1 / Math.Sqrt(0.6875), scaling.Rate[0], 12);
        Assert.Equal(5, scaling.Shift[1], 12);
        Assert.Equal(1, scaling.Rate[1]); // constant: left at scale 1 (and centred to 0)
    }

    [Fact]
    public void SparseStatisticsShrinkLargeColumnsWithoutCentringAndNeverAmplify()
    {
        var set = TrainingSet<double>.FromSparse([4, -8, 2, 0.25], [0, 2, 0, 3], [0, 2, 4], 4, [1, 0]);
        var scaling = FeatureScaling<double>.Fit(set);
        Assert.Equal([0.0, 0, 0, 0], scaling.Shift);
        Assert.Equal([0.25, 1, 0.125, 1], scaling.Rate); // feature 1 never occurs; feature 3 (at most 0.25) is left alone
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheFoldedNetworkScoresRawRowsAsTheTrainedOneScoredScaledRows(bool sparse)
    {
        var random = new Random(5);
        double[] x = Enumerable.Range(0, 40).Select(i => i % 4 == 3 ? 0 : (random.NextDouble() - 0.3) * (i % 2 == 0 ? 1e4 : 1e-3)).ToArray();
        double[] y = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0];
        TrainingSet<double> set = sparse ? Sparse(x, 10, 4, y) : TrainingSet<double>.FromDense(x, 10, 4, y);
        var scaling = FeatureScaling<double>.Fit(set);
        var layout = new ParameterLayout(4, [3]);
        NetworkParameters<double> net = WeightInitializer.Create<double>(layout, [MlpActivation.Tanh], new DeterministicRandom(2));
        NetworkParameters<double> folded = net.Clone();
        scaling.FoldInto(folded);

        var scaled = new BatchAssembler<double>(set, 10, scaling);
        var raw = new BatchAssembler<double>(set, 10);
        int[] rows = Enumerable.Range(0, 10).ToArray();
        scaled.Gather(rows);
        raw.Gather(rows);
        var a = new Workspace<double>(layout, 10);
        var b = new Workspace<double>(layout, 10);
        Backpropagation.Forward(net, scaled.Features, a);
        Backpropagation.Forward(folded, raw.Features, b);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(a.U3(10)[i], b.U3(10)[i], 9);
        }

        // And unfolding gives the trained weights back.
        scaling.UnfoldFrom(folded);
        for (int i = 0; i < net.Values.Length; i++)
        {
            Assert.Equal(net.Values[i], folded.Values[i], 9);
        }
    }

    [Fact]
    public void RawColumnsOfVeryDifferentScalesTrainWithScalingAndFailLoudlyWithout()
    {
        // A linearly separable problem whose two useful columns live around 1e4 and 1e-3.
        var random = new Random(11);
        int n = 400;
        float[] x = new float[n * 2];
        float[] y = new float[n];
        for (int i = 0; i < n; i++)
        {
            double a = random.NextDouble() * 2 - 1, b = random.NextDouble() * 2 - 1;
            x[2 * i] = (float)(5e4 + 1e4 * a);
            x[2 * i + 1] = (float)(1e-3 * b);
            y[i] = a + b > 0 ? 1 : 0;
        }

        var set = TrainingSet<float>.FromDense(x, n, 2, y);
        MlpTrainingOptions Options(bool normalize) => new()
        {
            HiddenLayers = { new MlpLayer(8, MlpActivation.Tanh) }, NumberOfEpochs = 40, LearningRate = 0.01f, Seed = 1, NormalizeFeatures = normalize,
        };
        var scaled = NetworkTrainer.Train(set, null, null, Options(true));
        Assert.True(SyntheticData.Accuracy(scaled.Network, set) > 0.95, $"scaled accuracy {SyntheticData.Accuracy(scaled.Network, set)}");

        // Without scaling the tanh units saturate on the 5e4 column: every row gets the same score, which is an error, not a model.
        var e = Assert.Throws<InvalidOperationException>(() => NetworkTrainer.Train(set, null, null, Options(false)));
        Assert.Contains("same score", e.Message);
        Assert.Contains("NormalizeFeatures", e.Message);
    }

    private static TrainingSet<double> Sparse(double[] x, int rows, int columns, double[] y)
    {
        var values = new List<double>();
        var indices = new List<int>();
        var starts = new List<int> { 0 };
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                if (x[i * columns + j] != 0)
                {
                    values.Add(x[i * columns + j]);
                    indices.Add(j);
                }
            }

            starts.Add(values.Count);
        }

        return TrainingSet<double>.FromSparse(values.ToArray(), indices.ToArray(), starts.ToArray(), columns, y);
    }
}
