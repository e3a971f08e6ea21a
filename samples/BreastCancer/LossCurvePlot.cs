using ScottPlot;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>Draws BackpropMlp's training and validation loss per epoch into a PNG.</summary>
public static class LossCurvePlot
{
    /// <summary>Writes the plot to <paramref name="path"/>.</summary>
    /// <param name="history">One record per epoch, as in <see cref="BackpropMlpModelParameters.History"/>.</param>
    /// <param name="path">The PNG to write.</param>
    public static void Write(IReadOnlyList<MlpEpochRecord> history, string path)
    {
        var plot = new Plot();
        PlotFonts.Apply(plot);
        double[] epochs = history.Select(r => (double)r.Epoch).ToArray();
        var training = plot.Add.ScatterLine(epochs, history.Select(r => r.TrainingLoss).ToArray());
        training.LegendText = "training loss (mean over the epoch's mini-batches)";
        training.LineWidth = 2;

        MlpEpochRecord[] validated = history.Where(r => r.ValidationLoss is not null).ToArray();
        if (validated.Length > 0)
        {
            var validation = plot.Add.ScatterLine(validated.Select(r => (double)r.Epoch).ToArray(), validated.Select(r => r.ValidationLoss!.Value).ToArray());
            validation.LegendText = "validation loss (after the epoch)";
            validation.LineWidth = 2;

            // Early stopping keeps the weights of the epoch with the lowest validation loss.
            MlpEpochRecord best = validated.MinBy(r => r.ValidationLoss!.Value)!;
            var marker = plot.Add.VerticalLine(best.Epoch);
            marker.LinePattern = LinePattern.Dashed;
            marker.Color = Colors.Gray;
            marker.LegendText = $"lowest validation loss (epoch {best.Epoch})";
        }

        plot.Title("BackpropMlp loss per epoch");
        plot.XLabel("epoch");
        plot.YLabel("binary cross-entropy");
        plot.Axes.SetLimitsY(0, Math.Max(history.Max(r => r.TrainingLoss), validated.Select(r => r.ValidationLoss!.Value).DefaultIfEmpty(0).Max()) * 1.05);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 800, 500);
    }
}
