using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.MLNetTools;

/// <summary>Permutation feature importance in both of ML.NET's forms: the generic one and the non-calibrated one on an ITransformer.</summary>
public class PermutationImportanceTests
{
    [Fact]
    public void BothFormsRankTheFeatures()
    {
        var (ml, data, model) = ToolPipelines.Dense(new MlpLayer(8, MlpActivation.Tanh));
        IDataView features = ml.Data.Cache(model.Take(model.Count() - 1).Aggregate(data, (view, t) => t.Transform(view)));

        var generic = ml.BinaryClassification.PermutationFeatureImportance(model.LastTransformer, features, permutationCount: 2);
        Assert.Equal(9, generic.Length);
        Assert.Contains(generic, s => s.AreaUnderRocCurve.Mean < -0.001); // shuffling some feature hurts

    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TheNonCalibratedFormNamesTheSlots()
    {
        // This form reads the feature column's slot names (ML.NET requires them, for every trainer): the Adult featurizer keeps them.
        var (ml, data, model) = ToolPipelines.OneHot();
        ITransformer[] steps = ((IEnumerable<ITransformer>)model).ToArray();
        IDataView features = ml.Data.Cache(ml.Data.TakeRows(steps[..^1].Aggregate(data, (view, t) => t.Transform(view)), 1000));
        IReadOnlyDictionary<string, BinaryClassificationMetricsStatistics> nonCalibrated =
            ml.BinaryClassification.PermutationFeatureImportanceNonCalibrated(steps[^1], features, permutationCount: 1);
        Assert.Contains("Numeric.Age", nonCalibrated.Keys);
        Assert.Contains(nonCalibrated.Values, s => s.AreaUnderRocCurve.Mean < -0.001);
    }
}
