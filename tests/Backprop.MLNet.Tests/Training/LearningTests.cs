using Backprop.MLNet.Training;

namespace Backprop.MLNet.Tests.Training;

/// <summary>The network learns what it should: XOR, two moons, a linearly separable set.</summary>
public class LearningTests
{
    private static readonly MlpLayer[] Handout = [new MlpLayer(8, MlpActivation.Tanh), new MlpLayer(4, MlpActivation.Sigmoid)];

    [Fact]
    public void LearnsXor()
    {
        var data = SyntheticData.Xor();
        var result = NetworkTrainer.Train(data, null, null, new MlpTrainingOptions
        {
            HiddenLayers = { Handout[0], Handout[1] }, Optimizer = MlpOptimizer.Adam, LearningRate = 0.05f, BatchSize = 0, NumberOfEpochs = 1500, Seed = 1,
        });
        Assert.Equal(1.0, SyntheticData.Accuracy(result.Network, data));
        Assert.True(result.History[^1].TrainingLoss < 0.05, $"final loss {result.History[^1].TrainingLoss}");
    }

    [Fact]
    public void LearnsTwoMoons()
    {
        var data = SyntheticData.TwoMoons(400, 0.1, seed: 5);
        var result = NetworkTrainer.Train(data, null, null, new MlpTrainingOptions
        {
            HiddenLayers = { new MlpLayer(16, MlpActivation.Tanh), new MlpLayer(8, MlpActivation.Sigmoid) },
            Optimizer = MlpOptimizer.Adam, LearningRate = 0.01f, BatchSize = 32, NumberOfEpochs = 300, Seed = 2,
        });
        Assert.True(SyntheticData.Accuracy(result.Network, data) >= 0.995, $"accuracy {SyntheticData.Accuracy(result.Network, data)}");
    }

    [Theory]
    [InlineData(MlpOptimizer.Sgd)]
    [InlineData(MlpOptimizer.Momentum)]
    [InlineData(MlpOptimizer.Adam)]
    public void ConvergesOnLinearlySeparableData(MlpOptimizer optimizer)
    {
        var data = SyntheticData.LinearlySeparable(300, 4, seed: 9);
        var result = NetworkTrainer.Train(data, null, null, new MlpTrainingOptions
        {
            HiddenLayers = { Handout[0], Handout[1] }, Optimizer = optimizer, LearningRate = optimizer == MlpOptimizer.Adam ? 0.01f : 0.5f,
            Nesterov = optimizer == MlpOptimizer.Momentum, BatchSize = 16, NumberOfEpochs = 200, Seed = 3,
        });
        Assert.True(SyntheticData.Accuracy(result.Network, data) >= 0.99, $"{optimizer}: accuracy {SyntheticData.Accuracy(result.Network, data)}");
        Assert.True(result.History[^1].TrainingLoss < result.History[0].TrainingLoss / 4);
    }

    [Fact]
    public void FullBatchLossDecreasesMonotonicallyForASmallLearningRate()
    {
        var data = SyntheticData.TwoMoons(200, 0.2, seed: 11);
        var result = NetworkTrainer.Train(data, null, null, new MlpTrainingOptions
        {
            HiddenLayers = { Handout[0], Handout[1] }, Optimizer = MlpOptimizer.Sgd, LearningRate = 0.1f, BatchSize = 0, NumberOfEpochs = 200, Seed = 4,
        });
        for (int e = 1; e < result.History.Count; e++)
        {
            Assert.True(result.History[e].TrainingLoss < result.History[e - 1].TrainingLoss,
                $"epoch {e + 1}: loss {result.History[e].TrainingLoss:R} ≥ previous {result.History[e - 1].TrainingLoss:R}");
        }
    }

    [Fact]
    public void L2RegularisationShrinksTheWeights()
    {
        var data = SyntheticData.TwoMoons(200, 0.2, seed: 12);
        double Norm(double lambda)
        {
            var r = NetworkTrainer.Train(data, null, null, new MlpTrainingOptions
            {
                HiddenLayers = { Handout[0], Handout[1] }, Optimizer = MlpOptimizer.Adam, LearningRate = 0.01f, BatchSize = 32, NumberOfEpochs = 100, Seed = 4, L2Regularization = (float)lambda,
            });
            return r.Network.Layout.WeightRanges.Sum(w => r.Network.Values.AsSpan(w.Offset, w.Length).ToArray().Sum(v => (double)v * v));
        }

        Assert.True(Norm(0.1) < 0.5 * Norm(0), "L2 = 0.1 should at least halve the squared weight norm");
    }
}
