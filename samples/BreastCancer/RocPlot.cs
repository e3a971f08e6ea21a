using ScottPlot;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>Draws the ROC curves of the compared models into one PNG.</summary>
public static class RocPlot
{
    /// <summary>Writes the plot to <paramref name="path"/>.</summary>
    /// <param name="models">The models, each with its ROC curve on the test rows.</param>
    /// <param name="path">The PNG to write.</param>
    public static void Write(IReadOnlyList<ModelReport> models, string path)
    {
        var plot = new Plot();
        PlotFonts.Apply(plot);
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dotted;
        chance.Color = Colors.Gray;
        chance.LegendText = "chance (AUC 0.5)";

        foreach (ModelReport model in models)
        {
            var curve = plot.Add.ScatterLine(model.Roc.FalsePositiveRates.ToArray(), model.Roc.TruePositiveRates.ToArray());
            curve.LegendText = $"{model.Name} (AUC {model.Metrics.AreaUnderRocCurve:F4})";
            curve.LineWidth = 2;
        }

        plot.Title("ROC curves on the test rows");
        plot.XLabel("false positive rate");
        plot.YLabel("true positive rate");
        plot.Axes.SetLimits(-0.01, 1.01, -0.01, 1.01);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 700, 600);
    }
}
