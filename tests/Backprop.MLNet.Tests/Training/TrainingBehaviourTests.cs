using Backprop.MLNet.Network;
using Backprop.MLNet.Training;

namespace Backprop.MLNet.Tests.Training;

/// <summary>Determinism, early stopping, warm start, progress, cancellation and rejected inputs.</summary>
public class TrainingBehaviourTests
{
    private static readonly MlpLayer[] Handout = [new MlpLayer(8, MlpActivation.Tanh), new MlpLayer(4, MlpActivation.Sigmoid)];

    private static MlpTrainingOptions Settings(int epochs = 20, int seed = 1) => new()
    {
        HiddenLayers = { Handout[0], Handout[1] }, Optimizer = MlpOptimizer.Adam, LearningRate = 0.01f, BatchSize = 16, NumberOfEpochs = epochs, Seed = seed,
    };

    [Fact]
    public void SameSeedGivesBitIdenticalWeights()
    {
        var data = SyntheticData.TwoMoons(300, 0.2, seed: 1);
        float[] a = NetworkTrainer.Train(data, null, null, Settings()).Network.Values;
        float[] b = NetworkTrainer.Train(data, null, null, Settings()).Network.Values;
        float[] c = NetworkTrainer.Train(data, null, null, Settings(seed: 2)).Network.Values;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestWeights()
    {
        var train = SyntheticData.TwoMoons(200, 0.1, seed: 2);
        // Validation rows with flipped labels: the better the fit, the worse the validation loss.
        var flipped = TrainingSet<float>.FromDense(train.Dense!, train.Rows, 2, train.Labels.Select(v => 1 - v).ToArray());
        var settings = new MlpTrainingOptions
        {
            HiddenLayers = { Handout[0], Handout[1] }, Optimizer = MlpOptimizer.Adam, LearningRate = 0.02f, BatchSize = 32, NumberOfEpochs = 200, Seed = 1, EarlyStoppingPatience = 3,
        };
        var messages = new List<string>();
        var result = NetworkTrainer.Train(train, flipped, null, settings, settings.Seed ?? 0, new TrainingObserver { Info = messages.Add });

        Assert.True(result.StoppedEarly);
        Assert.True(result.History.Count < 200);
        Assert.Equal(result.History.Count - 3, result.BestEpoch);
        double best = result.History.Min(h => h.ValidationLoss!.Value);
        Assert.Equal(best, result.History[result.BestEpoch - 1].ValidationLoss);
        double restored = NetworkTrainer.MeanLoss(result.Network, flipped, Enumerable.Range(0, flipped.Rows).ToArray());
        Assert.Equal(best, restored, 12);
        Assert.Contains(messages, m => m.Contains("Early stopping"));
        Assert.Contains(messages, m => m.Contains($"epoch {result.BestEpoch}"));
    }

    [Fact]
    public void ValidationFractionHoldsOutRowsAndRecordsTheirLoss()
    {
        var data = SyntheticData.TwoMoons(200, 0.2, seed: 2);
        var settings = new MlpTrainingOptions { HiddenLayers = { Handout[0], Handout[1] }, NumberOfEpochs = 5, ValidationFraction = 0.25f, EarlyStoppingPatience = 0 };
        var result = NetworkTrainer.Train(data, null, null, settings);
        Assert.All(result.History, h => Assert.True(h.ValidationLoss is > 0));
        Assert.Equal(5, result.History.Count);
    }

    [Fact]
    public void WarmStartContinuesFromTheGivenWeights()
    {
        // Full-batch SGD without shuffling has no hidden state: 10 epochs = 5 epochs, then 5 more from those weights.
        var data = SyntheticData.TwoMoons(100, 0.2, seed: 3);
        MlpTrainingOptions Sgd(int epochs) => new()
        {
            HiddenLayers = { Handout[0], Handout[1] }, Optimizer = MlpOptimizer.Sgd, LearningRate = 0.3f, BatchSize = 0, Shuffle = false, NumberOfEpochs = epochs, Seed = 8,
            NormalizeFeatures = false, // bit for bit: folding the scaling into W1 and back rounds
        };
        var ten = NetworkTrainer.Train(data, null, null, Sgd(10)).Network;
        var five = NetworkTrainer.Train(data, null, null, Sgd(5)).Network;
        var fivePlusFive = NetworkTrainer.Train(data, null, five, Sgd(5)).Network;
        Assert.Equal(ten.Values, fivePlusFive.Values);
        Assert.NotEqual(ten.Values, five.Values);
    }

    [Fact]
    public void WarmStartWithTheWrongShapeIsRejected()
    {
        var data = SyntheticData.TwoMoons(50, 0.2, seed: 3);
        var wrong = new NetworkParameters<float>(new ParameterLayout(3, [8, 4]), [MlpActivation.Tanh, MlpActivation.Sigmoid]);
        var e = Assert.Throws<ArgumentException>(() => NetworkTrainer.Train(data, null, wrong, Settings()));
        Assert.Contains("3→8→4→1", e.Message);
        Assert.Contains("2→8→4→1", e.Message);
    }

    [Fact]
    public void ReportsEveryEpochAndHonoursCancellation()
    {
        var data = SyntheticData.TwoMoons(100, 0.2, seed: 3);
        var seen = new List<MlpEpochRecord>();
        NetworkTrainer.Train(data, null, null, Settings(epochs: 7), 1, new TrainingObserver { EpochCompleted = seen.Add });
        Assert.Equal(Enumerable.Range(1, 7), seen.Select(r => r.Epoch));

        using var cts = new CancellationTokenSource();
        var observer = new TrainingObserver { EpochCompleted = r => { if (r.Epoch == 2) cts.Cancel(); } };
        Assert.ThrowsAny<OperationCanceledException>(() => NetworkTrainer.Train(data, null, null, Settings(epochs: 50), 1, observer, cts.Token));
    }

    [Fact]
    public void DivergenceStopsWithAnErrorThatSaysWhatToDo()
    {
        float[] x = Enumerable.Range(0, 40).Select(i => (float)(i * 1000)).ToArray();
        float[] y = Enumerable.Range(0, 20).Select(i => (float)(i % 2)).ToArray();
        var data = TrainingSet<float>.FromDense(x, 20, 2, y);
        var settings = new MlpTrainingOptions
        {
            HiddenLayers = { new MlpLayer(4, MlpActivation.Identity), new MlpLayer(4, MlpActivation.Identity) },
            Optimizer = MlpOptimizer.Sgd, LearningRate = 1e6f, BatchSize = 0, NumberOfEpochs = 100,
        };
        var e = Assert.Throws<InvalidOperationException>(() => NetworkTrainer.Train(data, null, null, settings));
        Assert.Contains("diverged", e.Message);
        Assert.Contains("LearningRate", e.Message);
        Assert.Contains("NormalizeFeatures", e.Message);
    }

    private static MlpTrainingOptions NoHiddenLayers()
    {
        var options = new MlpTrainingOptions();
        options.HiddenLayers.Clear();
        return options;
    }

    private static readonly Dictionary<string, MlpTrainingOptions> Invalid = new()
    {
        ["NumberOfEpochs"] = new MlpTrainingOptions { NumberOfEpochs = 0 },
        ["LearningRate"] = new MlpTrainingOptions { LearningRate = -0.1f },
        ["LearningRate/NaN"] = new MlpTrainingOptions { LearningRate = float.NaN },
        ["HiddenLayers"] = NoHiddenLayers(),
        ["BatchSize"] = new MlpTrainingOptions { BatchSize = -1 },
        ["Momentum"] = new MlpTrainingOptions { Momentum = 1.5f },
        ["L2Regularization"] = new MlpTrainingOptions { L2Regularization = -1 },
        ["ValidationFraction"] = new MlpTrainingOptions { ValidationFraction = 1 },
        ["EarlyStoppingPatience"] = new MlpTrainingOptions { EarlyStoppingPatience = -2 },
        ["Beta2"] = new MlpTrainingOptions { Beta2 = 1 },
        ["NumberOfThreads"] = new MlpTrainingOptions { NumberOfThreads = 0 },
    };

    public static TheoryData<string> InvalidSettings => new(Invalid.Keys);

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void InvalidHyperParametersAreRejectedByName(string key)
    {
        var data = SyntheticData.Xor();
        var e = Assert.ThrowsAny<ArgumentException>(() => NetworkTrainer.Train(data, null, null, Invalid[key]));
        Assert.Equal(key.Split('/')[0], e.ParamName);
    }

    [Fact]
    public void InvalidLayerSizeIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MlpLayer(0, MlpActivation.Tanh));
        Assert.Equal("size", e.ParamName);
    }

    [Fact]
    public void NaNFeatureIsRejectedWithItsRow()
    {
        float[] x = [0, 1, 2, float.NaN];
        var e = Assert.Throws<ArgumentException>(() => TrainingSet<float>.FromDense(x, 2, 2, [0, 1]));
        Assert.Contains("row 1", e.Message);
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void BadLabelsAndWeightsAndEmptyDataAreRejected()
    {
        Assert.Contains("0 or 1", Assert.Throws<ArgumentException>(() => TrainingSet<float>.FromDense([0, 1], 2, 1, [0, 2])).Message);
        Assert.Contains("weight", Assert.Throws<ArgumentException>(() => TrainingSet<float>.FromDense([0, 1], 2, 1, [0, 1], [1, -1])).Message);
        Assert.Contains("no rows", Assert.Throws<ArgumentException>(() => TrainingSet<float>.FromDense([], 0, 1, [])).Message);
    }

    [Theory]
    [InlineData(MlpOptimizer.Adam)]
    [InlineData(MlpOptimizer.Sgd)] // the row-sparse update path
    public void SparseAndDenseTrainingAgree(MlpOptimizer optimizer)
    {
        var dense = SyntheticData.LinearlySeparable(64, 6, seed: 4);
        float[] x = (float[])dense.Dense!.Clone();
        for (int i = 0; i < x.Length; i += 3)
        {
            x[i] = 0; // make it genuinely sparse
        }

        var denseSet = TrainingSet<float>.FromDense(x, 64, 6, dense.Labels);
        var values = new List<float>();
        var indices = new List<int>();
        var starts = new List<int> { 0 };
        for (int i = 0; i < 64; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                if (x[i * 6 + j] != 0)
                {
                    values.Add(x[i * 6 + j]);
                    indices.Add(j);
                }
            }

            starts.Add(values.Count);
        }

        var sparseSet = TrainingSet<float>.FromSparse(values.ToArray(), indices.ToArray(), starts.ToArray(), 6, dense.Labels);
        // Without feature scaling: dense rows are standardised, sparse ones only scaled, so the inputs would differ.
        MlpTrainingOptions settings = Settings(epochs: 5).With(o => { o.Optimizer = optimizer; o.LearningRate = optimizer == MlpOptimizer.Sgd ? 0.3f : 0.01f; o.NormalizeFeatures = false; });
        float[] a = NetworkTrainer.Train(denseSet, null, null, settings).Network.Values;
        float[] b = NetworkTrainer.Train(sparseSet, null, null, settings).Network.Values;
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4f * (1 + Math.Abs(a[i])), $"parameter {i}: dense {a[i]} sparse {b[i]}");
        }
    }

    [Theory]
    [InlineData(MlpOptimizer.Sgd, 0.0, false)]
    [InlineData(MlpOptimizer.Adam, 1e-3, false)]
    [InlineData(MlpOptimizer.Momentum, 0.0, true)]
    public void TheTrainingLoopAllocatesNothingPerBatch(MlpOptimizer optimizer, double lambda, bool sparse)
    {
        TrainingSet<float> dense = SyntheticData.LinearlySeparable(512, 8, seed: 2);
        TrainingSet<float> data = sparse ? ToSparse(dense) : dense;
        MlpTrainingOptions settings = Settings(epochs: 1).With(o => { o.Optimizer = optimizer; o.L2Regularization = (float)lambda; o.BatchSize = 8; o.NumberOfThreads = 1; });
        NetworkTrainer.Train(data, null, null, settings); // warm up (JIT, pooled buffers)

        long Allocated(int epochs)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            NetworkTrainer.Train(data, null, null, settings.With(o => { o.NumberOfEpochs = epochs; }));
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        // The runtime may allocate on this thread now and then for its own reasons (tiered JIT installing a method, say):
        // the smallest of a few measurements is what the loop itself allocates.
        long extra = Enumerable.Range(0, 4).Min(_ => Allocated(5) - Allocated(1));
        double perBatch = extra / (4.0 * 512 / 8);
        Assert.True(perBatch < 16, $"{perBatch:F1} bytes allocated per batch (five epochs allocate {extra} B more than one)");
    }

    private static TrainingSet<float> ToSparse(TrainingSet<float> dense)
    {
        var values = new List<float>();
        var indices = new List<int>();
        var starts = new List<int> { 0 };
        for (int i = 0; i < dense.Rows; i++)
        {
            for (int j = 0; j < dense.Columns; j++)
            {
                float v = dense.Dense![i * dense.Columns + j];
                if (v != 0)
                {
                    values.Add(v);
                    indices.Add(j);
                }
            }

            starts.Add(values.Count);
        }

        return TrainingSet<float>.FromSparse(values.ToArray(), indices.ToArray(), starts.ToArray(), dense.Columns, dense.Labels);
    }

    [Theory]
    [InlineData(MlpOptimizer.Adam, 0.0)]
    [InlineData(MlpOptimizer.Momentum, 0.01)]
    [InlineData(MlpOptimizer.Sgd, 0.01)]
    public void LazySparseUpdatesEqualFullUpdatesWhenEveryBatchUsesEveryFeature(MlpOptimizer optimizer, double lambda)
    {
        // Every row has all six features (stored sparsely), so every batch touches every row of W1.
        TrainingSet<float> data = ToSparse(SyntheticData.LinearlySeparable(64, 6, seed: 5));
        MlpTrainingOptions settings = Settings(epochs: 3).With(o => { o.Optimizer = optimizer; o.L2Regularization = (float)lambda; o.LearningRate = 0.05f; o.NumberOfThreads = 1; });
        float[] full = NetworkTrainer.Train(data, null, null, settings.With(o => { o.LazySparseUpdates = false; })).Network.Values;
        float[] lazy = NetworkTrainer.Train(data, null, null, settings.With(o => { o.LazySparseUpdates = true; })).Network.Values;
        Assert.Equal(full, lazy);
    }

    [Fact]
    public void LazySparseUpdatesLeaveUnusedRowsAlone()
    {
        // Feature 5 never occurs: with lazy Adam its row of W1 keeps its initial weights; with full Adam, L2 decays it.
        var set = TrainingSet<float>.FromSparse([1, 1, 1, 1], [0, 1, 2, 3], [0, 1, 2, 3, 4], 6, [1, 0, 1, 0]);
        MlpTrainingOptions settings = Settings(epochs: 5).With(o => { o.L2Regularization = 0.1f; o.BatchSize = 2; });
        NetworkParameters<float> initial = NetworkTrainer.Train(set, null, null, settings.With(o => { o.NumberOfEpochs = 1; o.LearningRate = 1e-30f; })).Network;
        NetworkParameters<float> lazy = NetworkTrainer.Train(set, null, null, settings.With(o => { o.LazySparseUpdates = true; })).Network;
        NetworkParameters<float> full = NetworkTrainer.Train(set, null, null, settings.With(o => { o.LazySparseUpdates = false; })).Network;
        int width = initial.Layout.HiddenSizes[0];
        Assert.Equal(initial.W(0).Slice(5 * width, width).ToArray(), lazy.W(0).Slice(5 * width, width).ToArray());
        Assert.NotEqual(initial.W(0).Slice(5 * width, width).ToArray(), full.W(0).Slice(5 * width, width).ToArray());
        Assert.NotEqual(initial.W(0).Slice(0, width).ToArray(), lazy.W(0).Slice(0, width).ToArray());
    }
}
