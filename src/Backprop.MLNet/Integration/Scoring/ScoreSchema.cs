using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Scoring;

/// <summary>
/// The three columns a binary classifier adds — <c>PredictedLabel</c>, <c>Score</c> (logit) and
/// <c>Probability</c>, in that order — with the annotations ML.NET's own binary scorer puts on them.
/// </summary>
internal static class ScoreSchema
{
    /// <summary>Name of the logit column.</summary>
    public const string Score = "Score";

    /// <summary>Name of the σ(logit) column.</summary>
    public const string Probability = "Probability";

    /// <summary>Name of the Score &gt; 0 column.</summary>
    public const string PredictedLabel = "PredictedLabel";

    private const string ScoreColumnSetId = "ScoreColumnSetId";
    private const string ScoreColumnKind = "ScoreColumnKind";
    private const string ScoreValueKind = "ScoreValueKind";
    private const string IsNormalized = "IsNormalized";
    private const string BinaryClassification = "BinaryClassification";

    private static readonly KeyDataViewType SetIdType = new(typeof(uint), int.MaxValue);

    /// <summary>The input columns followed by the three score columns, in ML.NET's order.</summary>
    public static DataViewSchema Extend(DataViewSchema input)
    {
        uint setId = NextScoreColumnSetId(input);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        builder.AddColumn(PredictedLabel, BooleanDataViewType.Instance, Annotations(setId, PredictedLabel, normalized: false));
        builder.AddColumn(Score, NumberDataViewType.Single, Annotations(setId, Score, normalized: false));
        builder.AddColumn(Probability, NumberDataViewType.Single, Annotations(setId, Probability, normalized: true));
        return builder.ToSchema();
    }

    /// <summary>The three score columns as a trainer's output shape, annotated as ML.NET's binary trainers annotate them.</summary>
    public static IEnumerable<SchemaShape.Column> OutputShapeColumns()
    {
        yield return new SchemaShape.Column(Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false, new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation()));
        yield return new SchemaShape.Column(Probability, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false, new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation(true)));
        yield return new SchemaShape.Column(PredictedLabel, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false, new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation()));
    }

    /// <summary>1 + the highest score-column-set id already in the input (ML.NET numbers each scorer's columns this way).</summary>
    private static uint NextScoreColumnSetId(DataViewSchema input)
    {
        uint max = 0;
        foreach (DataViewSchema.Column column in input)
        {
            DataViewSchema.Column? annotation = column.Annotations.Schema.GetColumnOrNull(ScoreColumnSetId);
            if (annotation is { } a && a.Type is KeyDataViewType { RawType: var raw } && raw == typeof(uint))
            {
                uint id = 0;
                column.Annotations.GetValue(ScoreColumnSetId, ref id);
                max = Math.Max(max, id);
            }
        }

        return max + 1;
    }

    private static DataViewSchema.Annotations Annotations(uint setId, string valueKind, bool normalized)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(ScoreColumnSetId, SetIdType, (ref uint value) => value = setId);
        builder.Add(ScoreColumnKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = BinaryClassification.AsMemory());
        builder.Add(ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = valueKind.AsMemory());
        if (normalized)
        {
            builder.Add(IsNormalized, BooleanDataViewType.Instance, (ref bool value) => value = true);
        }

        return builder.ToAnnotations();
    }
}
