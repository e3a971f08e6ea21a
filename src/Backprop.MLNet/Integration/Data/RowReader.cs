using Backprop.MLNet.Numerics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Data;

/// <summary>
/// One pass of a cursor over the feature, label and optional weight columns of an <see cref="IDataView"/>: moves to the
/// next row a selection keeps whose values are usable, skipping and counting rows with a NaN or infinite feature or a
/// NaN, infinite or negative weight, as ML.NET's own trainers do. The in-memory reader and the streamed batches both read
/// through it, so both skip the same rows.
/// </summary>
internal sealed class RowReader : IDisposable
{
    private readonly DataViewRowCursor cursor;
    private readonly ValueGetter<VBuffer<float>> getFeatures;
    private readonly ValueGetter<bool> getLabel;
    private readonly ValueGetter<float>? getWeight;
    private readonly ValueGetter<DataViewRowId>? getId;
    private readonly RowSelection? selection;
    private readonly Action throwIfCanceled;
    private VBuffer<float> features;
    private bool label;
    private float weight = 1;

    /// <summary>Opens a cursor on the columns (shuffled by <paramref name="shuffle"/> when given and the view can shuffle).</summary>
    /// <param name="data">The view, with checked columns.</param>
    /// <param name="feature">Known-size Single vector column.</param>
    /// <param name="label">Boolean label column.</param>
    /// <param name="weight">Single weight column, or null.</param>
    /// <param name="selection">Which rows to read, or null for all.</param>
    /// <param name="shuffle">Random source of a shuffled cursor, or null.</param>
    /// <param name="throwIfCanceled">Called every few thousand rows.</param>
    public RowReader(
        IDataView data, DataViewSchema.Column feature, DataViewSchema.Column label, DataViewSchema.Column? weight,
        RowSelection? selection, Random? shuffle, Action throwIfCanceled)
    {
        var columns = new List<DataViewSchema.Column> { feature, label };
        if (weight is { } w)
        {
            columns.Add(w);
        }

        cursor = shuffle is not null && data.CanShuffle ? data.GetRowCursor(columns, shuffle) : data.GetRowCursor(columns);
        getFeatures = cursor.GetGetter<VBuffer<float>>(feature);
        getLabel = cursor.GetGetter<bool>(label);
        getWeight = weight is { } wc ? cursor.GetGetter<float>(wc) : null;
        getId = selection is null ? null : cursor.GetIdGetter();
        this.selection = selection;
        this.throwIfCanceled = throwIfCanceled;
    }

    /// <summary>The current row's features (valid until the next move).</summary>
    public ref readonly VBuffer<float> Features => ref features;

    /// <summary>The current row's label.</summary>
    public bool Label => label;

    /// <summary>The current row's weight (1 without a weight column).</summary>
    public float Weight => weight;

    /// <summary>Rows the selection kept so far, usable or not.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Rows skipped so far for a missing or invalid value.</summary>
    public long RowsSkipped { get; private set; }

    /// <summary>Moves to the next selected row with usable values; false at the end.</summary>
    public bool MoveNext()
    {
        DataViewRowId id = default;
        while (cursor.MoveNext())
        {
            if (selection is { } s)
            {
                getId!(ref id);
                if (!s.Includes(id))
                {
                    continue;
                }
            }

            if ((++RowsRead & 4095) == 0)
            {
                throwIfCanceled();
            }

            getFeatures(ref features);
            getLabel(ref label);
            getWeight?.Invoke(ref weight);
            if (FiniteValues.IndexOfNonFinite(features.GetValues()) >= 0 || (getWeight is not null && !(float.IsFinite(weight) && weight >= 0)))
            {
                RowsSkipped++;
                continue;
            }

            return true;
        }

        return false;
    }

    /// <summary>Closes the cursor.</summary>
    public void Dispose() => cursor.Dispose();

    /// <summary>Whether the feature column's first row comes sparse (false for a view without rows).</summary>
    public static bool FirstRowIsSparse(IDataView data, DataViewSchema.Column feature)
    {
        using DataViewRowCursor first = data.GetRowCursor([feature]);
        ValueGetter<VBuffer<float>> get = first.GetGetter<VBuffer<float>>(feature);
        VBuffer<float> value = default;
        if (!first.MoveNext())
        {
            return false;
        }

        get(ref value);
        return !value.IsDense;
    }
}
