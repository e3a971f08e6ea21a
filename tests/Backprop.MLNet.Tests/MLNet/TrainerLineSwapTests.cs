using Backprop.MLNet.Benchmarks.Defaults;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace Backprop.MLNet.Tests.MLNet;

/// <summary>
/// "Swap the trainer line": the same featurisation (no normaliser) followed by BackpropMlp() with its defaults or by
/// LbfgsLogisticRegression(); BackpropMlp's cross-validated AUC must be at least LBFGS's minus 0.01, and no fold may
/// come back with a constant model. Raw numeric columns, columns rescaled to ~1e-3 and ~1e4, raw numerics next to
/// one-hot categoricals, and sparse text. (The benchmark's "defaults" workload runs the full 5 folds × 5 seeds.)
/// </summary>
[Trait("Category", "Slow")]
public class TrainerLineSwapTests(ITestOutputHelper output)
{
    public static TheoryData<string> Sets => new(["breast_cancer_raw", "breast_cancer_rescaled", "adult_raw_onehot", "synthetic_text"]);

    [Theory]
    [MemberData(nameof(Sets))]
    public void DefaultsHoldUpAgainstLogisticRegression(string name)
    {
        SwapDataSet set = SwapDataSets.All(quick: true, textPath: null).Single(s => s.Name == name);
        double mlp = CrossValidatedAuc(set, ml => ml.BinaryClassification.Trainers.BackpropMlp(), out int constant);
        double lbfgs = CrossValidatedAuc(set, ml => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(), out _);
        output.WriteLine($"{name}: BackpropMlp {mlp:F4}, LbfgsLogisticRegression {lbfgs:F4}");
        Assert.Equal(0, constant);
        Assert.True(mlp >= lbfgs - 0.01, $"{name}: BackpropMlp AUC {mlp:F4} vs LbfgsLogisticRegression {lbfgs:F4}");
    }

    private static double CrossValidatedAuc(SwapDataSet set, Func<MLContext, IEstimator<ITransformer>> trainer, out int constantFolds)
    {
        var ml = new MLContext(seed: 2);
        IDataView data = ml.Data.Cache(set.Load(ml));
        IEstimator<ITransformer> pipeline = set.Featurizer is null ? trainer(ml) : set.Featurizer(ml).Append(trainer(ml));
        var folds = ml.BinaryClassification.CrossValidateNonCalibrated(data, pipeline, numberOfFolds: 3, seed: 2);
        constantFolds = folds.Count(f => f.ScoredHoldOutSet.GetColumn<float>("Score").Distinct().Count() == 1);
        return folds.Average(f => f.Metrics.AreaUnderRocCurve);
    }
}
