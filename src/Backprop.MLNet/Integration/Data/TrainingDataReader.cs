using Backprop.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Data;

/// <summary>
/// Reads an <see cref="IDataView"/> once into a <see cref="TrainingSet{T}"/>: dense rows into one
/// row-major array, sparse rows (text, one-hot) into compressed rows, never densifying them. Rows with
/// a NaN or infinite feature, or a NaN, infinite or negative weight, are skipped and counted
/// (<see cref="RowReader"/>); weights are brought into range (<see cref="ExampleWeights"/>).
/// </summary>
internal static class TrainingDataReader
{
    /// <summary>What was read.</summary>
    /// <param name="Set">The usable rows.</param>
    /// <param name="RowsRead">Rows the cursor produced.</param>
    /// <param name="RowsSkipped">Rows dropped for missing or invalid values.</param>
    public sealed record Result(TrainingSet<float> Set, long RowsRead, long RowsSkipped);

    /// <summary>Reads label, features and optional weight columns.</summary>
    /// <param name="data">The data.</param>
    /// <param name="labelColumn">Boolean label column.</param>
    /// <param name="featureColumn">Known-size Single vector column.</param>
    /// <param name="weightColumn">Single weight column, or null.</param>
    /// <param name="throwIfCanceled">Called every few thousand rows.</param>
    /// <param name="role">"training" or "validation", for messages.</param>
    public static Result Read(IDataView data, string labelColumn, string featureColumn, string? weightColumn, Action throwIfCanceled, string role) =>
        Read(data, labelColumn, featureColumn, weightColumn, throwIfCanceled, role, long.MaxValue)!;

    /// <summary>
    /// Reads as <see cref="Read(IDataView, string, string, string?, Action, string)"/> does, unless the in-memory copy would
    /// take more than <paramref name="maxBytes"/>: then returns null (known in advance for dense rows of a view that knows
    /// its row count; otherwise as soon as the buffers outgrow the limit, so memory never goes far past it).
    /// </summary>
    public static Result? Read(IDataView data, string labelColumn, string featureColumn, string? weightColumn, Action throwIfCanceled, string role, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataViewSchema schema = data.Schema;
        int featureIndex = ColumnChecks.CheckFeatureColumn(schema, featureColumn, expectedSize: null);
        int labelIndex = ColumnChecks.CheckLabelColumn(schema, labelColumn);
        int? weightIndex = weightColumn is null ? null : ColumnChecks.CheckWeightColumn(schema, weightColumn);
        int d = ((VectorDataViewType)schema[featureIndex].Type).Size;

        // Knowing the row count lets the dense feature matrix be allocated once at its exact size (growing by
        // doubling could hold up to twice the matrix). When the view does not know it, a pass with no active
        // columns counts the rows cheaply: no transform computes anything for it.
        long? rowCountHint = data.GetRowCount() ?? CountRows(data, throwIfCanceled);
        long perRowBytes = 4 + (weightIndex is null ? 0 : 4);
        if (rowCountHint is long expected && expected * (perRowBytes + 4L * d) > maxBytes && !RowReader.FirstRowIsSparse(data, schema[featureIndex]))
        {
            return null; // dense rows of known count: too many for the limit, before anything is allocated
        }

        var features = new FeatureRowBuffer(d, featureColumn, rowCountHint);
        var labels = new GrowableArray<float>(rowCountHint);
        GrowableArray<float>? weights = weightIndex is null ? null : new GrowableArray<float>(rowCountHint);
        using var reader = new RowReader(data, schema[featureIndex], schema[labelIndex], weightIndex is int w ? schema[w] : null, selection: null, shuffle: null, throwIfCanceled);
        while (reader.MoveNext())
        {
            features.Append(reader.Features);
            labels.Add(reader.Label ? 1f : 0f);
            weights?.Add(reader.Weight);
            if ((labels.Count & 1023) == 0 && features.AllocatedBytes + perRowBytes * labels.Buffer.LongLength > maxBytes)
            {
                return null;
            }
        }

        if (reader.RowsRead == 0)
        {
            throw new InvalidOperationException($"The {role} data has no rows.");
        }

        if (labels.Count == 0)
        {
            throw new InvalidOperationException(
                $"No usable {role} rows: all {reader.RowsRead} rows had a NaN or infinite value in feature column '{featureColumn}'" +
                (weightColumn is null ? "" : $" or an invalid value in weight column '{weightColumn}'") +
                ". Impute or filter missing values first (e.g. ReplaceMissingValues).");
        }

        int rows = labels.Count;
        float[]? rowWeights = weights?.Buffer.AsSpan(0, rows).ToArray();
        if (rowWeights is not null)
        {
            ExampleWeights.ScaleInPlace(rowWeights, role, weightColumn!, reader.RowsSkipped);
        }

        TrainingSet<float> set = features.ToTrainingSet(labels.Buffer.AsSpan(0, rows).ToArray(), rowWeights);
        return new Result(set, reader.RowsRead, reader.RowsSkipped);
    }

    private static long CountRows(IDataView data, Action throwIfCanceled)
    {
        using DataViewRowCursor cursor = data.GetRowCursor([]);
        long rows = 0;
        while (cursor.MoveNext())
        {
            if ((++rows & 65535) == 0)
            {
                throwIfCanceled();
            }
        }

        return rows;
    }
}
