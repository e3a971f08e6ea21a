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

    /// <summary>Adult income, with its categorical columns as text.</summary>
    public static IDataView Adult(MLContext ml) => ml.Data.LoadFromTextFile(PathOf("adult.txt"),
    [
        new TextLoader.Column("Age", DataKind.Single, 0),
        new TextLoader.Column("WorkClass", DataKind.String, 1),
        new TextLoader.Column("Fnlwgt", DataKind.Single, 2),
        new TextLoader.Column("Education", DataKind.String, 3),
        new TextLoader.Column("EducationNum", DataKind.Single, 4),
        new TextLoader.Column("MaritalStatus", DataKind.String, 5),
        new TextLoader.Column("Occupation", DataKind.String, 6),
        new TextLoader.Column("Relationship", DataKind.String, 7),
        new TextLoader.Column("Ethnicity", DataKind.String, 8),
        new TextLoader.Column("Sex", DataKind.String, 9),
        new TextLoader.Column("CapitalGain", DataKind.Single, 10),
        new TextLoader.Column("CapitalLoss", DataKind.Single, 11),
        new TextLoader.Column("HoursPerWeek", DataKind.Single, 12),
        new TextLoader.Column("NativeCountry", DataKind.String, 13),
        new TextLoader.Column("Label", DataKind.Boolean, 14),
    ], separatorChar: ',', hasHeader: true, trimWhitespace: true);

    public static readonly string[] AdultCategorical = ["WorkClass", "Education", "MaritalStatus", "Occupation", "Relationship", "Ethnicity", "Sex", "NativeCountry"];
    public static readonly string[] AdultNumeric = ["Age", "Fnlwgt", "EducationNum", "CapitalGain", "CapitalLoss", "HoursPerWeek"];

    /// <summary>Adult featurised: one-hot categoricals (sparse) + min-max numerics, concatenated into Features.</summary>
    public static IEstimator<ITransformer> AdultFeaturizer(MLContext ml) =>
        ml.Transforms.Categorical.OneHotEncoding(AdultCategorical.Select(c => new InputOutputColumnPair(c + "Hot", c)).ToArray())
            .Append(ml.Transforms.Concatenate("Numeric", AdultNumeric))
            .Append(ml.Transforms.NormalizeMinMax("Numeric"))
            .Append(ml.Transforms.Concatenate("Features", AdultCategorical.Select(c => c + "Hot").Prepend("Numeric").ToArray()));

    /// <summary>Wikipedia detox: Label (toxic) and SentimentText.</summary>
    public static IDataView Detox(MLContext ml) => ml.Data.LoadFromTextFile(PathOf("wikipedia-detox-250-line-data.tsv"),
        [new TextLoader.Column("Label", DataKind.Boolean, 0), new TextLoader.Column("SentimentText", DataKind.String, 1)],
        separatorChar: '\t', hasHeader: true, allowQuoting: true);
}
