using Microsoft.ML;

namespace Backprop.MLNet.Tests.MLNet;

public class SmokeTests
{
    [Fact]
    public void BreastCancerTrainsAndEvaluates()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(DataSets.BreastCancer(ml), testFraction: 0.2, seed: 1);
        var pipeline = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.BinaryClassification.Trainers.BackpropMlp(numberOfEpochs: 50));
        var model = pipeline.Fit(split.TrainSet);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
        Assert.True(metrics.AreaUnderRocCurve > 0.95, $"AUC {metrics.AreaUnderRocCurve}");
    }
}
