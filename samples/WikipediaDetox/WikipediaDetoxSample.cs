using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;

namespace Backprop.MLNet.Samples.WikipediaDetox;

/// <summary>
/// Text classification: <c>FeaturizeText</c> turns each comment into a sparse vector of word and
/// character n-gram counts, and BackpropMlp learns which are toxic. 250 comments is very little data,
/// so the network is small, regularised and stopped early on a validation share.
/// </summary>
public static class WikipediaDetoxSample
{
    /// <summary>The copy of data/wikipedia-detox-250-line-data.tsv next to the program.</summary>
    public static string DataPath => Path.Combine(AppContext.BaseDirectory, "Data", "wikipedia-detox-250-line-data.tsv");

    /// <summary>Comments to score after training (not in the data).</summary>
    public static readonly string[] NewComments =
    [
        "Thank you for fixing the references, the article reads much better now.",
        "You are an idiot and a liar, stop vandalising this page.",
        "I have added a citation for the population figure.",
        "Get lost, nobody wants your stupid edits here.",
    ];

    /// <summary>Runs the sample, writing to <paramref name="console"/>.</summary>
    public static void Run(IAnsiConsole console, int seed = 1)
    {
        var ml = new MLContext(seed: seed);
        IDataView data = ml.Data.LoadFromTextFile<Comment>(DataPath, separatorChar: '\t', hasHeader: true, allowQuoting: true);
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: seed);
        var featurizer = ml.Transforms.Text.FeaturizeText("Features", nameof(Comment.SentimentText));

        console.MarkupLine($"Training on {Markup.Escape(DataPath)} (70 % of 250 comments; 30 % for testing)...");
        var mlp = featurizer.Append(ml.BinaryClassification.Trainers.BackpropMlp(TrainerOptions())).Fit(split.TrainSet);
        var logistic = featurizer.Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression()).Fit(split.TrainSet);
        BackpropMlpModelParameters network = mlp.LastTransformer.Model;
        console.MarkupLine($"{Markup.Escape(network.ToString())}, {network.History.Count} epochs (early stopping on 20 % of the training rows).");

        console.Write(MetricsTable(
            ("BackpropMlp", ml.BinaryClassification.Evaluate(mlp.Transform(split.TestSet))),
            ("LbfgsLogisticRegression", ml.BinaryClassification.Evaluate(logistic.Transform(split.TestSet)))));

        var engine = ml.Model.CreatePredictionEngine<Comment, ToxicityPrediction>(mlp);
        var predictions = new Table().Title("New comments").AddColumns("Comment", "Toxic?", "Probability");
        predictions.Columns[2].RightAligned();
        foreach (string text in NewComments)
        {
            ToxicityPrediction p = engine.Predict(new Comment { SentimentText = text });
            predictions.AddRow(Markup.Escape(text), p.PredictedLabel ? "[red]toxic[/]" : "[green]fine[/]", $"{p.Probability:F3}");
        }

        console.Write(predictions);
    }

    /// <summary>A small handout-shaped network (16 tanh, 8 sigmoid) with a stronger L2 penalty and early stopping.</summary>
    public static BackpropMlpTrainer.Options TrainerOptions() => new()
    {
        HiddenLayers = { new MlpLayer(16, MlpActivation.Tanh), new MlpLayer(8, MlpActivation.Sigmoid) },
        LearningRate = 0.01f,
        BatchSize = 16,
        NumberOfEpochs = 30,
        L2Regularization = 1e-3f,
        ValidationFraction = 0.2f,
        EarlyStoppingPatience = 3,
    };

    private static Table MetricsTable(params (string Name, CalibratedBinaryClassificationMetrics Metrics)[] models)
    {
        var table = new Table().Title("Test metrics").AddColumns("Model", "AUC", "Accuracy", "F1", "Precision", "Recall", "Log-loss");
        foreach (var column in table.Columns.Skip(1))
        {
            column.RightAligned();
        }

        foreach (var (name, m) in models)
        {
            table.AddRow(name, $"{m.AreaUnderRocCurve:F4}", $"{m.Accuracy:F4}", $"{m.F1Score:F4}", $"{m.PositivePrecision:F4}", $"{m.PositiveRecall:F4}", $"{m.LogLoss:F4}");
        }

        return table;
    }
}
