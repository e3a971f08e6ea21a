using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace Backprop.MLNet.Tests.MLNet;

/// <summary>
/// Each shipped data set through a real pipeline: BackpropMlp's test AUC must be within 0.02 of (or
/// better than) ML.NET's LbfgsLogisticRegression on the same split.
/// </summary>
[Trait("Category", "Slow")]
public class RealDataTests(ITestOutputHelper output)
{
    [Fact]
    public void BreastCancerMatchesLogisticRegression()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(DataSets.BreastCancer(ml), testFraction: 0.2, seed: 1);
        var featurizer = ml.Transforms.NormalizeMinMax("Features");
        Compare(ml, split, featurizer, ml.BinaryClassification.Trainers.BackpropMlp(hiddenLayerSizes: [32, 16], numberOfEpochs: 100, learningRate: 0.01f, batchSize: 32), "breast-cancer");
    }

    [Fact]
    public void AdultWithOneHotEncodingMatchesLogisticRegression()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(DataSets.Adult(ml), testFraction: 0.2, seed: 1);
        Compare(ml, split, DataSets.AdultFeaturizer(ml), ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options
        {
            HiddenLayers = { new MlpLayer(32, MlpActivation.Tanh), new MlpLayer(16, MlpActivation.Sigmoid) },
            LearningRate = 0.003f, BatchSize = 128, NumberOfEpochs = 8,
        }), "adult");
    }

    [Fact]
    public void DetoxWithFeaturizeTextMatchesLogisticRegression()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(DataSets.Detox(ml), testFraction: 0.3, seed: 1);
        Compare(ml, split, ml.Transforms.Text.FeaturizeText("Features", "SentimentText"), ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options
        {
            HiddenLayers = { new MlpLayer(16, MlpActivation.Tanh), new MlpLayer(8, MlpActivation.Sigmoid) },
            LearningRate = 0.01f, BatchSize = 16, NumberOfEpochs = 30, L2Regularization = 1e-3f, ValidationFraction = 0.2f, EarlyStoppingPatience = 3,
        }), "detox");
    }

    private void Compare(MLContext ml, DataOperationsCatalog.TrainTestData split, IEstimator<ITransformer> featurizer, BackpropMlpTrainer trainer, string name)
    {
        var mlp = featurizer.Append(trainer).Fit(split.TrainSet);
        var lr = featurizer.Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression()).Fit(split.TrainSet);
        CalibratedBinaryClassificationMetrics ours = ml.BinaryClassification.Evaluate(mlp.Transform(split.TestSet));
        CalibratedBinaryClassificationMetrics theirs = ml.BinaryClassification.Evaluate(lr.Transform(split.TestSet));
        output.WriteLine($"{name}: BackpropMlp AUC {ours.AreaUnderRocCurve:F4} acc {ours.Accuracy:F4} F1 {ours.F1Score:F4} log-loss {ours.LogLoss:F4}; " +
                         $"LbfgsLogisticRegression AUC {theirs.AreaUnderRocCurve:F4} acc {theirs.Accuracy:F4}");
        Assert.True(ours.AreaUnderRocCurve >= theirs.AreaUnderRocCurve - 0.02,
            $"{name}: BackpropMlp AUC {ours.AreaUnderRocCurve:F4} vs LbfgsLogisticRegression {theirs.AreaUnderRocCurve:F4}");
        Assert.InRange(ours.LogLoss, 0, 1); // calibrated probabilities, better than the 1-bit coin
    }
}
