using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Spectre.Console;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>
/// The main sample: load → replace missing values → concatenate → normalise → BackpropMlp (the
/// handout's network), compared with LbfgsLogisticRegression and FastTree on the same split; writes
/// the loss curve, the ROC curves and model.zip, then scores a few rows with the reloaded model.
/// </summary>
public static class BreastCancerSample
{
    /// <summary>Share of the rows held out for testing all three models.</summary>
    public const double TestFraction = 0.2;

    /// <summary>Share of BackpropMlp's training rows held out for early stopping and the validation loss curve.</summary>
    public const float ValidationFraction = 0.15f;

    /// <summary>Runs the whole sample, writing to <paramref name="console"/> and into <see cref="SampleOptions.OutputDirectory"/>.</summary>
    public static SampleResult Run(SampleOptions options, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        TabularFile file = options.DataPath is null
            ? TabularFile.BreastCancer(SampleOptions.ShippedDataPath)
            : TabularFile.Describe(options.DataPath, options.LabelColumn, options.Separator);
        DescribeData(file, console);

        var ml = new MLContext(seed: options.Seed);
        IDataView data = file.Load(ml);
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, TestFraction, seed: options.Seed);
        IEstimator<ITransformer> featurizer = Featurizer(ml, file.FeatureNames);

        console.MarkupLine($"Training on {CountRows(split.TrainSet)} rows, testing on {CountRows(split.TestSet)} rows.");
        var reporter = new EpochReporter(console, options.ShowProgressBar);
        (TransformerChain<BinaryPredictionTransformer<BackpropMlpModelParameters>> mlp, TimeSpan mlpTime) = reporter.Run(options.Epochs,
            progress => Timed(() => featurizer.Append(ml.BinaryClassification.Trainers.BackpropMlp(MlpOptions(options, progress))).Fit(split.TrainSet)));
        BackpropMlpModelParameters network = mlp.LastTransformer.Model;
        console.MarkupLine($"Trained [bold]{Markup.Escape(network.ToString())}[/] for {network.History.Count} epochs in {mlpTime.TotalSeconds:F2} s.");
        if (network.BestEpoch > 0 && network.BestEpoch < network.History.Count && network.History[network.BestEpoch - 1] is { } best)
        {
            console.MarkupLine($"Early stopping kept the weights of epoch {best.Epoch} (validation loss {best.ValidationLoss:F4}).");
        }

        console.MarkupLine("Training LbfgsLogisticRegression and FastTree on the same rows...");
        var (logistic, logisticTime) = Timed(() => featurizer.Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression()).Fit(split.TrainSet));
        var (trees, treesTime) = Timed(() => featurizer.Append(ml.BinaryClassification.Trainers.FastTree()).Fit(split.TrainSet));

        ModelReport[] reports =
        [
            Evaluate(ml, "BackpropMlp", mlp, mlpTime, split.TestSet),
            Evaluate(ml, "LbfgsLogisticRegression", logistic, logisticTime, split.TestSet),
            Evaluate(ml, "FastTree", trees, treesTime, split.TestSet),
        ];
        console.Write(ResultTables.Metrics(reports));

        string outputDirectory = Directory.CreateDirectory(options.OutputDirectory).FullName;
        string lossCurvePath = Path.Combine(outputDirectory, "loss-curve.png");
        string rocPath = Path.Combine(outputDirectory, "roc.png");
        string modelPath = Path.Combine(outputDirectory, "model.zip");
        string onnxPath = Path.Combine(outputDirectory, "model.onnx");
        LossCurvePlot.Write(network.History, lossCurvePath);
        console.MarkupLine($"Wrote the loss curve to [link]{Markup.Escape(lossCurvePath)}[/]");
        RocPlot.Write(reports, rocPath);
        console.MarkupLine($"Wrote the ROC curves to [link]{Markup.Escape(rocPath)}[/]");

        ModelRoundTrip.Save(ml, mlp, split.TrainSet.Schema, modelPath);
        console.MarkupLine($"Saved the BackpropMlp pipeline to [link]{Markup.Escape(modelPath)}[/]");
        IReadOnlyList<PredictionComparison> predictions = ModelRoundTrip.LoadAndCompare(modelPath, mlp, split.TestSet, options.PredictionRows);
        console.MarkupLine("Loaded it again in a new MLContext:");
        console.Write(ResultTables.Predictions(predictions));

        OnnxCheck onnx = OnnxCheck.ExportAndCompare(ml, mlp, split.TestSet, onnxPath);
        console.MarkupLine($"Exported the pipeline to ONNX: [link]{Markup.Escape(onnxPath)}[/]. ONNX Runtime on the {onnx.Rows} test rows: " +
                           $"largest probability difference {onnx.MaxProbabilityDifference:G2}, {onnx.LabelMismatches} different labels.");

        return new SampleResult
        {
            Models = reports,
            History = network.History,
            LossCurvePath = lossCurvePath,
            RocPath = rocPath,
            ModelPath = modelPath,
            Predictions = predictions,
            OnnxPath = onnxPath,
            Onnx = onnx,
        };
    }

    /// <summary>Missing values → each column's mean, then one feature vector scaled to [0, 1] (tanh and sigmoid saturate on raw scales).</summary>
    public static IEstimator<ITransformer> Featurizer(MLContext ml, string[] featureNames) =>
        ml.Transforms.ReplaceMissingValues(featureNames.Select(name => new InputOutputColumnPair(name)).ToArray(), MissingValueReplacingEstimator.ReplacementMode.Mean)
            .Append(ml.Transforms.Concatenate("Features", featureNames))
            .Append(ml.Transforms.NormalizeMinMax("Features"));

    /// <summary>The handout's network (tanh then sigmoid hidden layers, sigmoid output) trained by Adam with early stopping.</summary>
    public static BackpropMlpTrainer.Options MlpOptions(SampleOptions options, IProgress<MlpEpochRecord>? progress)
    {
        var mlpOptions = new BackpropMlpTrainer.Options
        {
            NumberOfEpochs = options.Epochs,
            LearningRate = options.LearningRate,
            BatchSize = 32,
            ValidationFraction = ValidationFraction,
            Progress = progress,
        };
        mlpOptions.HiddenLayers.SetSizes(options.HiddenLayers); // the last of two or more layers sigmoid, the others tanh
        return mlpOptions;
    }

    private static ModelReport Evaluate(MLContext ml, string name, ITransformer model, TimeSpan trainingTime, IDataView testSet)
    {
        IDataView scored = model.Transform(testSet);
        CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(scored);
        RocCurve roc = RocCurve.Compute(scored.GetColumn<bool>("Label").ToArray(), scored.GetColumn<float>("Probability").ToArray());
        return new ModelReport(name, metrics, trainingTime, roc);
    }

    private static void DescribeData(TabularFile file, IAnsiConsole console)
    {
        console.MarkupLine($"Data: [bold]{Markup.Escape(Path.GetFullPath(file.Path))}[/]");
        console.MarkupLine($"Features ({file.Features.Count}): {Markup.Escape(string.Join(", ", file.FeatureNames))}");
        if (file.SkippedColumns.Count > 0)
        {
            console.MarkupLine($"[yellow]Left out (not numeric):[/] {Markup.Escape(string.Join(", ", file.SkippedColumns))}");
        }
    }

    private static int CountRows(IDataView data) => data.GetColumn<bool>("Label").Count();

    private static (T Result, TimeSpan Elapsed) Timed<T>(Func<T> action)
    {
        var stopwatch = Stopwatch.StartNew();
        T result = action();
        return (result, stopwatch.Elapsed);
    }
}
