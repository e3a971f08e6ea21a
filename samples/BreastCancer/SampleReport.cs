using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>
/// Everything the main sample shows and draws: the data's description, the progress of training, the metrics and
/// predictions tables, the loss and ROC plots. Kept apart from <see cref="BreastCancerSample"/>, which only uses the
/// library.
/// </summary>
public sealed class SampleReport(IAnsiConsole console, SampleOptions options)
{
    private readonly Dictionary<string, TimeSpan> trainingTimes = [];

    /// <summary>The reports of the models evaluated so far.</summary>
    public List<ModelReport> Models { get; } = [];

    /// <summary>Names the data file, its features and the columns left out.</summary>
    public void Data(TabularFile file)
    {
        console.MarkupLine($"Data: [bold]{Markup.Escape(Path.GetFullPath(file.Path))}[/]");
        console.MarkupLine($"Features ({file.Features.Count}): {Markup.Escape(string.Join(", ", file.FeatureNames))}");
        if (file.SkippedColumns.Count > 0)
        {
            console.MarkupLine($"[yellow]Left out (not numeric):[/] {Markup.Escape(string.Join(", ", file.SkippedColumns))}");
        }
    }

    /// <summary>Counts the rows of the split.</summary>
    public void Split(DataOperationsCatalog.TrainTestData split) =>
        console.MarkupLine($"Training on {split.TrainSet.GetColumn<bool>("Label").Count()} rows, testing on {split.TestSet.GetColumn<bool>("Label").Count()} rows.");

    /// <summary>Trains BackpropMlp with a progress bar (or a line every few epochs), then says how training ended.</summary>
    public TransformerChain<BinaryPredictionTransformer<BackpropMlpModelParameters>> TrainMlp(
        Func<IProgress<MlpEpochRecord>, TransformerChain<BinaryPredictionTransformer<BackpropMlpModelParameters>>> train)
    {
        var reporter = new EpochReporter(console, options.ShowProgressBar);
        var model = reporter.Run(options.Epochs, progress => Timed("BackpropMlp", () => train(progress)));
        BackpropMlpModelParameters network = model.LastTransformer.Model;
        console.MarkupLine($"Trained [bold]{Markup.Escape(network.ToString())}[/] for {network.History.Count} epochs in {trainingTimes["BackpropMlp"].TotalSeconds:F2} s.");
        if (network.BestEpoch > 0 && network.BestEpoch < network.History.Count && network.History[network.BestEpoch - 1] is { } best)
        {
            console.MarkupLine($"Early stopping kept the weights of epoch {best.Epoch} (validation loss {best.ValidationLoss:F4}).");
        }

        return model;
    }

    /// <summary>Runs <paramref name="train"/> and keeps its time under <paramref name="name"/>.</summary>
    public T Timed<T>(string name, Func<T> train)
    {
        var watch = Stopwatch.StartNew();
        T result = train();
        trainingTimes[name] = watch.Elapsed;
        return result;
    }

    /// <summary>Evaluates a model on the test rows (metrics and ROC curve).</summary>
    public void Evaluate(MLContext ml, string name, ITransformer model, IDataView testSet)
    {
        IDataView scored = model.Transform(testSet);
        CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(scored);
        RocCurve roc = RocCurve.Compute(scored.GetColumn<bool>("Label").ToArray(), scored.GetColumn<float>("Probability").ToArray());
        Models.Add(new ModelReport(name, metrics, trainingTimes[name], roc));
    }

    /// <summary>Prints the metrics table and draws the loss curve and the ROC curves; returns the two PNG paths.</summary>
    public (string LossCurve, string Roc) MetricsAndPlots(IReadOnlyList<MlpEpochRecord> history)
    {
        console.Write(ResultTables.Metrics(Models));
        string lossCurve = Output("loss-curve.png"), roc = Output("roc.png");
        LossCurvePlot.Write(history, lossCurve);
        console.MarkupLine($"Wrote the loss curve to [link]{Markup.Escape(lossCurve)}[/]");
        RocPlot.Write(Models, roc);
        console.MarkupLine($"Wrote the ROC curves to [link]{Markup.Escape(roc)}[/]");
        return (lossCurve, roc);
    }

    /// <summary>Shows the reloaded model's predictions next to the in-memory model's.</summary>
    public void Predictions(string modelPath, IReadOnlyList<PredictionComparison> predictions)
    {
        console.MarkupLine($"Saved the BackpropMlp pipeline to [link]{Markup.Escape(modelPath)}[/]");
        console.MarkupLine("Loaded it again in a new MLContext:");
        console.Write(ResultTables.Predictions(predictions));
    }

    /// <summary>Says how ONNX Runtime's scores compare with ML.NET's.</summary>
    public void Onnx(string onnxPath, OnnxCheck onnx) =>
        console.MarkupLine($"Exported the pipeline to ONNX: [link]{Markup.Escape(onnxPath)}[/]. ONNX Runtime on the {onnx.Rows} test rows: " +
                           $"largest probability difference {onnx.MaxProbabilityDifference:G2}, {onnx.LabelMismatches} different labels.");

    /// <summary>A file in the output folder (created if needed).</summary>
    public string Output(string fileName) => Path.Combine(Directory.CreateDirectory(options.OutputDirectory).FullName, fileName);
}
