using Backprop.MLNet.Tests.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Backprop.MLNet.Tests.MLNetTools;

/// <summary>
/// ML.NET's public calls that need ML.NET's own binary transformer: OneVersusAll and PairwiseCoupling (fit, evaluate,
/// save, load in a new process), ChangeModelThreshold, chained Platt and Isotonic calibrators, EvaluateNonCalibrated.
/// </summary>
public class MulticlassAndThresholdTests
{
    /// <summary>Three classes on the breast-cancer features: the Adult data's 'Relationship' would do as well, this is quicker.</summary>
    private static IDataView ThreeClasses(MLContext ml)
    {
        var rows = new List<ClassRow>();
        var random = new Random(3);
        for (int i = 0; i < 450; i++)
        {
            int c = i % 3;
            float[] x = Enumerable.Range(0, 4).Select(j => (float)(random.NextDouble() * 2 - 1 + (j == c ? 2.5 : 0))).ToArray();
            rows.Add(new ClassRow { Class = $"class{c}", Features = x });
        }

        return ml.Data.LoadFromEnumerable(rows);
    }

    private static BackpropMlpTrainer Binary(MLContext ml) => ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options
    {
        HiddenLayers = { new MlpLayer(8, MlpActivation.Tanh) }, NumberOfEpochs = 20, LearningRate = 0.01f, Seed = 1,
    });

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData("OneVersusAll")]
    [InlineData("PairwiseCoupling")]
    public void MulticlassWrappersFitEvaluateAndReloadInANewProcess(string wrapper)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ThreeClasses(ml);
        IEstimator<ITransformer> trainer = wrapper == "OneVersusAll"
            ? ml.MulticlassClassification.Trainers.OneVersusAll(Binary(ml))
            : ml.MulticlassClassification.Trainers.PairwiseCoupling(Binary(ml));
        ITransformer model = ml.Transforms.Conversion.MapValueToKey("Label", "Class").Append(trainer).Fit(data);
        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));
        Assert.True(metrics.MacroAccuracy > 0.9, $"{wrapper}: macro accuracy {metrics.MacroAccuracy}");

        using var temp = new SavedModels.TempFolder();
        ml.Model.Save(model, data.Schema, temp.File("model.zip"));
        IDataView here = model.Transform(data);
        string[] expected = ReadColumns(here);
        string[] inNewProcess = SavedModels.RunLoadCheckColumns(ml, temp.File("model.zip"), data, temp.File("data.idv"), "Score", "PredictedLabel");
        Assert.Equal(expected, inNewProcess);
    }

    [Fact]
    public void ChangeModelThresholdMovesPredictedLabel()
    {
        var (ml, data, model) = ToolPipelines.Dense(new MlpLayer(8, MlpActivation.Tanh));
        IDataView features = model.Take(model.Count() - 1).Aggregate(data, (view, t) => t.Transform(view));
        BinaryPredictionTransformer<BackpropMlpModelParameters> strict = ml.BinaryClassification.ChangeModelThreshold(model.LastTransformer, 2f);
        float[] scores = strict.Transform(features).GetColumn<float>("Score").ToArray();
        bool[] labels = strict.Transform(features).GetColumn<bool>("PredictedLabel").ToArray();
        Assert.Equal(scores.Select(s => s > 2f), labels);
        Assert.Contains(scores, s => s > 0 && s <= 2f); // the threshold changed some labels

        using var temp = new SavedModels.TempFolder();
        ml.Model.Save(strict, features.Schema, temp.File("strict.zip"));
        ITransformer loaded = new MLContext().Model.Load(temp.File("strict.zip"), out _);
        Assert.Equal(labels, loaded.Transform(features).GetColumn<bool>("PredictedLabel"));
    }

    [Theory]
    [InlineData("Platt")]
    [InlineData("Isotonic")]
    public void ChainedCalibratorsEvaluateAndReload(string calibrator)
    {
        var (ml, data, model) = ToolPipelines.Dense(new MlpLayer(8, MlpActivation.Tanh));
        IEstimator<ITransformer> calibration = calibrator == "Platt"
            ? ml.BinaryClassification.Calibrators.Platt()
            : ml.BinaryClassification.Calibrators.Isotonic();
        IDataView scored = model.Transform(data);
        ITransformer calibrated = calibration.Fit(scored);
        CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(calibrated.Transform(scored));
        Assert.True(metrics.AreaUnderRocCurve > 0.97, $"AUC {metrics.AreaUnderRocCurve}");
        Assert.InRange(metrics.LogLoss, 0, 0.3);

        ITransformer whole = model.Append(calibrated);
        using var temp = new SavedModels.TempFolder();
        ml.Model.Save(whole, data.Schema, temp.File("calibrated.zip"));
        ITransformer loaded = new MLContext().Model.Load(temp.File("calibrated.zip"), out _);
        Assert.Equal(whole.Transform(data).GetColumn<float>("Probability"), loaded.Transform(data).GetColumn<float>("Probability"));
    }

    [Fact]
    public void EvaluateNonCalibratedAndCrossValidateWork()
    {
        var (ml, data, model) = ToolPipelines.Dense(new MlpLayer(8, MlpActivation.Tanh));
        BinaryClassificationMetrics raw = ml.BinaryClassification.EvaluateNonCalibrated(model.Transform(data));
        Assert.True(raw.AreaUnderRocCurve > 0.97);
        var pipeline = ml.Transforms.ReplaceMissingValues("Features").Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options { HiddenLayers = { new MlpLayer(8, MlpActivation.Tanh) }, NumberOfEpochs = 10, LearningRate = 0.01f }));
        var folds = ml.BinaryClassification.CrossValidate(data, pipeline, numberOfFolds: 3);
        Assert.All(folds, f => Assert.True(f.Metrics.AreaUnderRocCurve > 0.95, $"fold AUC {f.Metrics.AreaUnderRocCurve}"));
        Assert.All(folds, f => Assert.IsType<BinaryPredictionTransformer<BackpropMlpModelParameters>>(((IEnumerable<ITransformer>)f.Model).Last()));
    }

    private static string[] ReadColumns(IDataView scored)
    {
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var labels = scored.GetColumn<uint>("PredictedLabel").ToArray();
        return scores.Select((s, i) => string.Join('\t', string.Join(',', s.Select(SavedModels.Bits)), labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
    }

    public sealed class ClassRow
    {
        public string Class { get; set; } = "";

        [VectorType(4)]
        public float[] Features { get; set; } = [];
    }
}
