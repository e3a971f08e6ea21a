using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Samples.AdultIncome;

/// <summary>The shipped UCI Adult census file and the featurisation a network needs for it.</summary>
public static class AdultData
{
    /// <summary>The copy of data/adult.txt next to the program.</summary>
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "Data", "adult.txt");

    /// <summary>The text columns, one-hot encoded.</summary>
    public static readonly string[] Categorical = ["WorkClass", "Education", "MaritalStatus", "Occupation", "Relationship", "Ethnicity", "Sex", "NativeCountry"];

    /// <summary>The numeric columns, scaled to [0, 1].</summary>
    public static readonly string[] Numeric = ["Age", "Fnlwgt", "EducationNum", "CapitalGain", "CapitalLoss", "HoursPerWeek"];

    /// <summary>Loads the file lazily; Label is "earns over 50K a year".</summary>
    public static IDataView Load(MLContext ml) => ml.Data.LoadFromTextFile(Path,
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

    /// <summary>
    /// One-hot categoricals (a sparse indicator slot per value) next to min-max scaled numerics, in one
    /// Features vector. Slot names are kept, so feature importance can name each slot.
    /// </summary>
    public static IEstimator<ITransformer> Featurizer(MLContext ml) =>
        ml.Transforms.Categorical.OneHotEncoding(Categorical.Select(c => new InputOutputColumnPair(c)).ToArray())
            .Append(ml.Transforms.Concatenate("Numeric", Numeric))
            .Append(ml.Transforms.NormalizeMinMax("Numeric"))
            .Append(ml.Transforms.Concatenate("Features", Categorical.Prepend("Numeric").ToArray()));
}
