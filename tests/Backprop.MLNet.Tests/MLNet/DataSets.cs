using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.MLNet;

/// <summary>The shipped real data sets, loaded as ML.NET users would.</summary>
internal static class DataSets
{
    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Data", file);

    /// <summary>Breast cancer: Label (Boolean) and Features (9 Singles; 16 rows have a NaN).</summary>
    public static IDataView BreastCancer(MLContext ml) => ml.Data.LoadFromTextFile(PathOf("breast-cancer.txt"),
        [new TextLoader.Column("Label", DataKind.Boolean, 0), new TextLoader.Column("Features", DataKind.Single, 1, 9)],
        separatorChar: '\t', hasHeader: false);

    /// <summary>Adult income, loaded as the Adult income sample does (categorical columns as text).</summary>
    public static IDataView Adult(MLContext ml) => Backprop.MLNet.Samples.AdultIncome.AdultData.Load(ml);

    /// <summary>The sample's featurizer: one-hot categoricals (sparse) + min-max numerics, concatenated into Features.</summary>
    public static IEstimator<ITransformer> AdultFeaturizer(MLContext ml) => Backprop.MLNet.Samples.AdultIncome.AdultData.Featurizer(ml);

    /// <summary>Wikipedia detox: Label (toxic) and SentimentText.</summary>
    public static IDataView Detox(MLContext ml) => ml.Data.LoadFromTextFile(PathOf("wikipedia-detox-250-line-data.tsv"),
        [new TextLoader.Column("Label", DataKind.Boolean, 0), new TextLoader.Column("SentimentText", DataKind.String, 1)],
        separatorChar: '\t', hasHeader: true, allowQuoting: true);
}
