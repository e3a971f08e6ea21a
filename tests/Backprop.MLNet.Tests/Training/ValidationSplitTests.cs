using Backprop.MLNet.Training;

namespace Backprop.MLNet.Tests.Training;

/// <summary>The rows held out for early stopping: stratified by label, and none when there are too few to stop on.</summary>
public class ValidationSplitTests
{
    [Fact]
    public void EachClassGivesTheSameShare()
    {
        // 900 negatives and 100 positives: 10 % holds out 90 and 10, not a random count of the rare class.
        float[] labels = Enumerable.Range(0, 1000).Select(i => i % 10 == 0 ? 1f : 0f).ToArray();
        var set = TrainingSet<float>.FromDense(new float[1000], 1000, 1, labels);
        (int[] train, int[]? held) = ValidationSplit.Split(set, 0.1, new DeterministicRandom(3));
        Assert.NotNull(held);
        Assert.Equal(10, held!.Count(i => labels[i] == 1));
        Assert.Equal(90, held.Count(i => labels[i] == 0));
        Assert.Equal(Enumerable.Range(0, 1000), train.Concat(held).Order());
        Assert.True(train.SequenceEqual(train.Order()) && held.SequenceEqual(held.Order()));
    }

    [Theory]
    [InlineData(150, 0.1)]   // 15 validation rows: too few
    [InlineData(1000, 0.1)]  // but only one row of the rare class in them
    public void TooFewValidationRowsKeepEveryRowForTraining(int rows, double fraction)
    {
        float[] labels = Enumerable.Range(0, rows).Select(i => rows == 1000 ? (i < 12 ? 1f : 0f) : i % 2).ToArray();
        var set = TrainingSet<float>.FromDense(new float[rows], rows, 1, labels);
        (int[] train, int[]? held) = ValidationSplit.Split(set, fraction, new DeterministicRandom(3));
        Assert.Null(held);
        Assert.Equal(rows, train.Length);
    }

    [Fact]
    public void TheDefaultHoldsOutAndStopsEarlyAndSmallDataTrainsEveryEpoch()
    {
        var big = SyntheticData.TwoMoons(600, 0.2, seed: 4);
        var options = new MlpTrainingOptions { NumberOfEpochs = 500, Seed = 1 };
        var messages = new List<string>();
        var result = NetworkTrainer.Train(big, null, null, options, 1, new TrainingObserver { Info = messages.Add });
        Assert.All(result.History, r => Assert.NotNull(r.ValidationLoss));
        Assert.True(result.History.Count < 500, "early stopping ends it before the ceiling");

        var small = SyntheticData.TwoMoons(100, 0.2, seed: 4);
        var smallResult = NetworkTrainer.Train(small, null, null, new MlpTrainingOptions { NumberOfEpochs = 30, Seed = 1 }, 1, new TrainingObserver { Info = messages.Add });
        Assert.Equal(30, smallResult.History.Count);
        Assert.All(smallResult.History, r => Assert.Null(r.ValidationLoss));
        Assert.Contains(messages, m => m.StartsWith("Kept all 100 rows for training", StringComparison.Ordinal));
    }
}
