using Spectre.Console;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>The sample's console tables.</summary>
public static class ResultTables
{
    /// <summary>Test metrics and training time of each model, one row per model.</summary>
    public static Table Metrics(IReadOnlyList<ModelReport> models)
    {
        var table = new Table().Title("Test metrics").AddColumns("Model", "AUC", "Accuracy", "F1", "Precision", "Recall", "Log-loss", "Training time");
        foreach (var column in table.Columns.Skip(1))
        {
            column.RightAligned();
        }

        foreach (ModelReport model in models)
        {
            var m = model.Metrics;
            table.AddRow(
                Markup.Escape(model.Name), $"{m.AreaUnderRocCurve:F4}", $"{m.Accuracy:F4}", $"{m.F1Score:F4}",
                $"{m.PositivePrecision:F4}", $"{m.PositiveRecall:F4}", $"{m.LogLoss:F4}", $"{model.TrainingTime.TotalMilliseconds:N0} ms");
        }

        return table;
    }

    /// <summary>Test rows scored by the trained model and by the model loaded from disk.</summary>
    public static Table Predictions(IReadOnlyList<PredictionComparison> predictions)
    {
        var table = new Table().Title("Predictions of the loaded model").AddColumns("Test row", "Label", "Predicted", "Probability (loaded)", "Probability (in memory)");
        foreach (var column in table.Columns.Skip(1))
        {
            column.RightAligned();
        }

        foreach (PredictionComparison p in predictions)
        {
            table.AddRow($"{p.Row}", p.Label ? "1" : "0", p.LoadedPredictedLabel ? "1" : "0", $"{p.LoadedProbability:F6}", $"{p.InMemoryProbability:F6}");
        }

        return table;
    }
}
