using Microsoft.ML;
using Microsoft.ML.Transforms;
using Spectre.Console;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>
/// The main sample, top to bottom: load → replace missing values → one feature vector → BackpropMlp (the handout's
/// network), the same featurisation with LbfgsLogisticRegression and FastTree for comparison, then save, reload and
/// export to ONNX. Everything shown or drawn goes through <see cref="SampleReport"/>.
/// </summary>
public static class BreastCancerSample
{
    /// <summary>Runs the sample, writing to <paramref name="console"/> and into <see cref="SampleOptions.OutputDirectory"/>.</summary>
    public static SampleResult Run(SampleOptions options, IAnsiConsole console)
    {
        var report = new SampleReport(console, options);
        TabularFile file = options.DataPath is null
            ? TabularFile.BreastCancer(SampleOptions.ShippedDataPath)
            : TabularFile.Describe(options.DataPath, options.LabelColumn, options.Separator);
        report.Data(file);

        // The rows, a fifth of them kept for testing.
        var ml = new MLContext(seed: options.Seed);
        IDataView data = file.Load(ml);
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: options.Seed);
        report.Split(split);

        // Missing values → each column's mean, then one vector scaled to [0, 1] (BackpropMlp would scale it anyway; the
        // linear model needs it).
        IEstimator<ITransformer> featurizer = ml.Transforms
            .ReplaceMissingValues(file.FeatureNames.Select(name => new InputOutputColumnPair(name)).ToArray(), MissingValueReplacingEstimator.ReplacementMode.Mean)
            .Append(ml.Transforms.Concatenate("Features", file.FeatureNames))
            .Append(ml.Transforms.NormalizeMinMax("Features"));

        // The handout's network (two sizes: tanh then sigmoid), early stopping on 15 % of the training rows.
        var mlpOptions = new BackpropMlpTrainer.Options { NumberOfEpochs = options.Epochs, LearningRate = options.LearningRate, ValidationFraction = 0.15f };
        mlpOptions.HiddenLayers.SetSizes(options.HiddenLayers);
        var mlp = report.TrainMlp(progress =>
        {
            mlpOptions.Progress = progress;
            return featurizer.Append(ml.BinaryClassification.Trainers.BackpropMlp(mlpOptions)).Fit(split.TrainSet);
        });

        // Two of ML.NET's own trainers on the same rows, then all three on the test rows.
        var logistic = report.Timed("LbfgsLogisticRegression", () => featurizer.Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression()).Fit(split.TrainSet));
        var trees = report.Timed("FastTree", () => featurizer.Append(ml.BinaryClassification.Trainers.FastTree()).Fit(split.TrainSet));
        report.Evaluate(ml, "BackpropMlp", mlp, split.TestSet);
        report.Evaluate(ml, "LbfgsLogisticRegression", logistic, split.TestSet);
        report.Evaluate(ml, "FastTree", trees, split.TestSet);
        IReadOnlyList<MlpEpochRecord> history = mlp.LastTransformer.Model.History;
        (string lossCurve, string roc) = report.MetricsAndPlots(history);

        // Save the whole pipeline, load it in a new MLContext (as another process would) and compare a few predictions.
        string modelPath = report.Output("model.zip");
        ml.Model.Save(mlp, split.TrainSet.Schema, modelPath);
        IReadOnlyList<PredictionComparison> predictions = ModelRoundTrip.LoadAndCompare(modelPath, mlp, split.TestSet, options.PredictionRows);
        report.Predictions(modelPath, predictions);

        // Export it to ONNX and score the test rows with ONNX Runtime.
        string onnxPath = report.Output("model.onnx");
        OnnxCheck onnx = OnnxCheck.ExportAndCompare(ml, mlp, split.TestSet, onnxPath);
        report.Onnx(onnxPath, onnx);

        return new SampleResult
        {
            Models = report.Models, History = history, LossCurvePath = lossCurve, RocPath = roc,
            ModelPath = modelPath, Predictions = predictions, OnnxPath = onnxPath, Onnx = onnx,
        };
    }
}
