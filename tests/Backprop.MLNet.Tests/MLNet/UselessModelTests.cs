using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.MLNet;

/// <summary>
/// A learning rate far too large must never give a silently useless model: training either starts again with a smaller
/// step and returns a model that works (saying so in the log), or throws an error naming LearningRate and feature scaling.
/// </summary>
public class UselessModelTests
{
    [Theory]
    [InlineData(MlpOptimizer.Adam, 1f, true)]
    [InlineData(MlpOptimizer.Sgd, 100f, true)]
    [InlineData(MlpOptimizer.Adam, 1f, false)]
    [InlineData(MlpOptimizer.Sgd, 100f, false)]
    public void AHugeStepGivesAWorkingModelAndSaysWhenItHadToStartAgain(MlpOptimizer optimizer, float learningRate, bool normalize)
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.RawMessage); };
        IDataView data = DataSets.BreastCancer(ml);
        var model = ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options
        {
            Optimizer = optimizer, LearningRate = learningRate, NumberOfEpochs = 30, Seed = 1, NormalizeFeatures = normalize,
        }).Fit(data);

        CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(model.Transform(data));
        Assert.True(metrics.AreaUnderRocCurve > 0.8, $"AUC {metrics.AreaUnderRocCurve}: a useless model came back (a collapsed one scores 0.5)");

        // On the raw 1–10 scores the first try saturates (every row the same score); in scaled units these steps train.
        // Either way the model works, and a restart is never silent.
        bool restarted = warnings.Any(w => w.StartsWith("Training with LearningRate", StringComparison.Ordinal) && w.Contains("did not learn", StringComparison.Ordinal));
        Assert.Equal(restarted, warnings.Any(w => w.StartsWith("Trained with LearningRate", StringComparison.Ordinal)));
        if (!normalize)
        {
            Assert.True(restarted, "the raw-scale try should have collapsed and started again: " + string.Join(" | ", warnings));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnAbsurdStepIsAnErrorThatSaysWhatToDo(bool normalize)
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options
        {
            Optimizer = MlpOptimizer.Sgd, LearningRate = 1e30f, NumberOfEpochs = 5, Seed = 1, NormalizeFeatures = normalize,
        });
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(DataSets.BreastCancer(ml)));
        Assert.Contains("Training did not learn", e.Message);
        Assert.Contains("LearningRate", e.Message);
        Assert.Contains("NormalizeFeatures", e.Message);
    }

    [Fact]
    public void AReasonableStepTrainsOnceWithoutWarnings()
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.RawMessage); };
        ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options { NumberOfEpochs = 10, Seed = 1 }).Fit(DataSets.BreastCancer(ml));
        Assert.DoesNotContain(warnings, w => w.Contains("LearningRate", StringComparison.Ordinal));
    }
}
