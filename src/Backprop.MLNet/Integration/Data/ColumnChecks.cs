using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Data;

/// <summary>
/// Checks of the label, feature and weight columns, on estimator schemas (<see cref="SchemaShape"/>)
/// and data schemas (<see cref="DataViewSchema"/>), throwing what ML.NET's own trainers throw:
/// <see cref="ArgumentOutOfRangeException"/> with ML.NET's wording.
/// </summary>
internal static class ColumnChecks
{
    /// <summary>Label, features (known-size Single vector) and optional weight on an estimator's input shape.</summary>
    public static void CheckTrainingShape(SchemaShape shape, string labelColumn, string featureColumn, string? weightColumn)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CheckShapeColumn(shape, "label", labelColumn, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, "Boolean");
        CheckFeatureShape(shape, featureColumn);
        if (weightColumn is not null)
        {
            CheckShapeColumn(shape, "weight", weightColumn, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, "Single");
        }
    }

    /// <summary>The feature column on an estimator's input shape.</summary>
    public static void CheckFeatureShape(SchemaShape shape, string featureColumn) =>
        CheckShapeColumn(shape, "feature", featureColumn, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, "Vector<Single>");

    /// <summary>The feature column of a data schema; returns its index.</summary>
    /// <param name="schema">The data's schema.</param>
    /// <param name="featureColumn">The feature column's name.</param>
    /// <param name="expectedSize">The vector size the model expects, or null during training (any known size).</param>
    public static int CheckFeatureColumn(DataViewSchema schema, string featureColumn, int? expectedSize)
    {
        ArgumentNullException.ThrowIfNull(schema);
        DataViewSchema.Column column = schema.GetColumnOrNull(featureColumn) ?? throw NotFound("feature", featureColumn);
        bool ok = column.Type is VectorDataViewType { ItemType: NumberDataViewType n, IsKnownSize: true } v && n == NumberDataViewType.Single
            && (expectedSize is null || v.Size == expectedSize);
        if (!ok)
        {
            string expected = expectedSize is null ? "Vector<Single>" : $"Vector<Single, {expectedSize}>";
            throw Mismatch("feature", featureColumn, expected, Describe(column.Type, withSize: expectedSize is not null));
        }

        return column.Index;
    }

    /// <summary>The label column (Boolean) of a data schema; returns its index.</summary>
    public static int CheckLabelColumn(DataViewSchema schema, string labelColumn)
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(labelColumn) ?? throw NotFound("label", labelColumn);
        if (column.Type != BooleanDataViewType.Instance)
        {
            throw Mismatch("label", labelColumn, "Boolean", Describe(column.Type, withSize: false));
        }

        return column.Index;
    }

    /// <summary>The example weight column (Single) of a data schema; returns its index.</summary>
    public static int CheckWeightColumn(DataViewSchema schema, string weightColumn)
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(weightColumn) ?? throw NotFound("weight", weightColumn);
        if (column.Type != NumberDataViewType.Single)
        {
            throw Mismatch("weight", weightColumn, "Single", Describe(column.Type, withSize: false));
        }

        return column.Index;
    }

    /// <summary>ML.NET's "Could not find {role} column '{name}'".</summary>
    public static ArgumentOutOfRangeException NotFound(string role, string name) =>
        new("inputSchema", $"Could not find {role} column '{name}'");

    /// <summary>ML.NET's "Schema mismatch for {role} column '{name}': expected {expected}, got {actual}", then how to fix it.</summary>
    public static ArgumentOutOfRangeException Mismatch(string role, string name, string expected, string actual) =>
        new("inputSchema", $"Schema mismatch for {role} column '{name}': expected {expected}, got {actual}. {Fix(role, name, actual)}");

    /// <summary>The ML.NET call that turns a column of type <paramref name="actual"/> into what the role needs.</summary>
    private static string Fix(string role, string name, string actual)
    {
        bool vector = actual.StartsWith("Vector<", StringComparison.Ordinal) || actual.StartsWith("VarVector<", StringComparison.Ordinal);
        bool key = actual.Contains("Key<", StringComparison.Ordinal);
        bool text = actual.Contains("String", StringComparison.Ordinal) || actual.Contains("Text", StringComparison.Ordinal);
        return role switch
        {
            "label" when key =>
                $"The label is a key (made by MapValueToKey, or a multiclass label): map it back with mlContext.Transforms.Conversion.MapKeyToValue(\"{name}\") " +
                "and then to true/false with MapValue or a CustomMapping; for more than two classes use " +
                "mlContext.MulticlassClassification.Trainers.OneVersusAll(mlContext.BinaryClassification.Trainers.BackpropMlp()).",
            "label" when text =>
                $"Map its values to true/false with mlContext.Transforms.Conversion.MapValue(\"{name}\", ...) (e.g. \"spam\" → true) or a CustomMapping, " +
                "or load the column as DataKind.Boolean if it holds true/false or 0/1.",
            "label" when vector => "The label must be one Boolean per row, not a vector.",
            "label" =>
                $"Convert it with mlContext.Transforms.Conversion.ConvertType(\"{name}\", outputKind: DataKind.Boolean) (0 → false, any other value → true), " +
                "or load the column as DataKind.Boolean.",
            "feature" when actual.StartsWith("VarVector<", StringComparison.Ordinal) =>
                "Its size must be known: give the class's array property [VectorType(size)] for LoadFromEnumerable, or load a fixed range of columns with TextLoader.",
            "feature" when text =>
                $"Turn text into numbers first: mlContext.Transforms.Text.FeaturizeText(\"{name}\", ...) for free text, " +
                "mlContext.Transforms.Categorical.OneHotEncoding for categories.",
            "feature" when key => $"One-hot encode it: mlContext.Transforms.Conversion.MapKeyToBinaryVector or Categorical.OneHotEncoding into \"{name}\".",
            "feature" when vector => $"Convert it with mlContext.Transforms.Conversion.ConvertType(\"{name}\", outputKind: DataKind.Single).",
            "feature" => $"Put the feature columns into one vector: mlContext.Transforms.Concatenate(\"{name}\", ...) (converting them to Single first if needed).",
            _ => $"Convert it with mlContext.Transforms.Conversion.ConvertType(\"{name}\", outputKind: DataKind.Single).",
        };
    }

    private static void CheckShapeColumn(SchemaShape shape, string role, string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, string expected)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"The {role} column name must not be empty.", "inputSchema");
        }

        SchemaShape.Column column = shape.LastOrDefault(c => c.Name == name); // a later column hides an earlier one of the same name
        if (column.Name is null)
        {
            throw NotFound(role, name);
        }

        if (column.Kind != kind || !column.ItemType.Equals(itemType) || column.IsKey)
        {
            throw Mismatch(role, name, expected, Describe(column));
        }
    }

    private static string Describe(SchemaShape.Column column)
    {
        string item = column.IsKey ? $"Key<{column.ItemType}>" : column.ItemType.ToString() ?? "?";
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Vector => $"Vector<{item}>",
            SchemaShape.Column.VectorKind.VariableVector => $"VarVector<{item}>",
            _ => item,
        };
    }

    private static string Describe(DataViewType type, bool withSize) => type switch
    {
        VectorDataViewType { IsKnownSize: false } v => $"VarVector<{v.ItemType}>",
        VectorDataViewType v => withSize ? $"Vector<{v.ItemType}, {v.Size}>" : $"Vector<{v.ItemType}>",
        KeyDataViewType k => $"Key<{k.RawType.Name}>",
        _ => type.ToString() ?? type.GetType().Name,
    };
}
