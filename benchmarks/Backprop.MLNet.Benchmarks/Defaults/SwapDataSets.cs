using Backprop.MLNet.Samples.AdultIncome;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Benchmarks.Defaults;

/// <summary>A data set and the featurisation an ML.NET sample would put before any trainer (no normaliser).</summary>
/// <param name="Name">Short name for the JSON keys.</param>
/// <param name="Load">Loads the rows (Label is Boolean).</param>
/// <param name="Featurizer">Builds Features from the loaded columns, or null when Features is loaded as it is.</param>
internal sealed record SwapDataSet(string Name, Func<MLContext, IDataView> Load, Func<MLContext, IEstimator<ITransformer>>? Featurizer);

/// <summary>The data sets of the "swap the trainer line" comparison: raw numeric, raw numeric + one-hot, and text.</summary>
internal static class SwapDataSets
{
    private static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "Data", file);

    /// <summary>Every data set; <paramref name="textPath"/> adds a label,text CSV file (e.g. the SMS spam collection) when given.</summary>
    public static List<SwapDataSet> All(bool quick, string? textPath)
    {
        var sets = new List<SwapDataSet>
        {
            // Raw numeric: the nine 1–10 scores, and the same with columns rescaled to ~1e-3 and ~1e4.
            new("breast_cancer_raw", BreastCancer, null),
            new("breast_cancer_rescaled", ml => Rescaled(ml, BreastCancer(ml)), null),
            // Raw numeric (ages, dollars, hours: up to 1e6) next to one-hot categoricals, as a tree sample would feed them.
            new("adult_raw_onehot", ml => quick ? ml.Data.TakeRows(Adult(ml), 4000) : Adult(ml), AdultFeaturizer),
            new("detox_text", Detox, ml => ml.Transforms.Text.FeaturizeText("Features", "Text")),
            new("synthetic_text", ml => SyntheticText.Load(ml, quick ? 1000 : 5000, seed: 7), ml => ml.Transforms.Text.FeaturizeText("Features", "Text")),
        };
        if (textPath is not null)
        {
            sets.Add(new("text_file", ml => TextFile(ml, textPath), ml => ml.Transforms.Text.FeaturizeText("Features", "Text")));
        }

        return sets;
    }

    private static IDataView BreastCancer(MLContext ml) => ml.Data.LoadFromTextFile(Data("breast-cancer.txt"),
        [new TextLoader.Column("Label", DataKind.Boolean, 0), new TextLoader.Column("Features", DataKind.Single, 1, 9)],
        separatorChar: '\t', hasHeader: false);

    /// <summary>Columns 0–2 × 1e-3, 3–5 × 1e4, 6–8 as they are: scales a user meets in one table.</summary>
    private static IDataView Rescaled(MLContext ml, IDataView data)
    {
        var scales = new float[] { 1e-3f, 1e-3f, 1e-3f, 1e4f, 1e4f, 1e4f, 1, 1, 1 };
        return ml.Transforms.CustomMapping<FeaturesRow, FeaturesRow>((input, output) =>
            output.Features = input.Features.Select((v, i) => v * scales[i]).ToArray(), contractName: null).Fit(data).Transform(data);
    }

    private static IDataView Adult(MLContext ml) => AdultData.Load(ml);

    /// <summary>The sample's one-hot categoricals, but the numeric columns as they are (the sample scales them).</summary>
    private static IEstimator<ITransformer> AdultFeaturizer(MLContext ml) =>
        ml.Transforms.Categorical.OneHotEncoding(AdultData.Categorical.Select(c => new InputOutputColumnPair(c)).ToArray())
            .Append(ml.Transforms.Concatenate("Features", [.. AdultData.Numeric, .. AdultData.Categorical]));

    private static IDataView Detox(MLContext ml) => ml.Data.LoadFromTextFile(Data("wikipedia-detox-250-line-data.tsv"),
        [new TextLoader.Column("Label", DataKind.Boolean, 0), new TextLoader.Column("Text", DataKind.String, 1)],
        separatorChar: '\t', hasHeader: true, allowQuoting: true);

    private static IDataView TextFile(MLContext ml, string path) => ml.Data.LoadFromTextFile(path,
        [new TextLoader.Column("Label", DataKind.Boolean, 0), new TextLoader.Column("Text", DataKind.String, 1)],
        separatorChar: ',', hasHeader: false, allowQuoting: true);

    /// <summary>The feature vector alone, for the rescaling mapping.</summary>
    public sealed class FeaturesRow
    {
        [VectorType(9)]
        public float[] Features { get; set; } = [];
    }
}
