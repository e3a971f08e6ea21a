using Backprop.MLNet.Network;
using Backprop.MLNet.Numerics;
using Backprop.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Data;

/// <summary>
/// Mini-batches read from an <see cref="IDataView"/> on every pass, for rows that do not fit in memory: the cursor fills
/// a window of rows (bounded in bytes), whose order is shuffled when training asks for it, and the window is cut into
/// batches; then the next window is read. When the view can shuffle, the cursor itself is shuffled too, so rows mix
/// across the whole data; otherwise rows mix within a window. Rows with a NaN or infinite feature or an invalid weight
/// are skipped, as when reading into memory. Memory stays bounded whatever the number of rows.
/// </summary>
internal sealed class StreamingBatches : IBatchSource<float>
{
    private readonly IDataView data;
    private readonly DataViewSchema.Column feature;
    private readonly DataViewSchema.Column label;
    private readonly DataViewSchema.Column? weight;
    private readonly RowSelection? selection;
    private readonly int batchRows;
    private readonly int windowRows;
    private readonly Action throwIfCanceled;
    private FeatureScaling<float>? scaling;
    private DeterministicRandom? shuffle;
    private DataViewRowCursor? cursor;
    private ValueGetter<VBuffer<float>>? getFeatures;
    private ValueGetter<bool>? getLabel;
    private ValueGetter<float>? getWeight;
    private ValueGetter<DataViewRowId>? getId;
    private readonly FeatureRowBuffer windowFeatures;
    private readonly float[] windowLabels;
    private readonly float[]? windowWeights;
    private BatchAssembler<float>? window;
    private int[] order = [];
    private int windowCount;
    private int next;
    private VBuffer<float> row;

    /// <summary>Streams the rows of <paramref name="data"/> (those <paramref name="selection"/> keeps, when given).</summary>
    /// <param name="data">The view, with checked columns.</param>
    /// <param name="feature">Known-size Single vector column.</param>
    /// <param name="label">Boolean label column.</param>
    /// <param name="weight">Single weight column, or null.</param>
    /// <param name="selection">Which rows this source reads (training or held-out rows), or null for all.</param>
    /// <param name="batchRows">Rows per batch.</param>
    /// <param name="windowBytes">Memory for the window of rows read at once (at least one batch is read).</param>
    /// <param name="throwIfCanceled">Called every few thousand rows.</param>
    public StreamingBatches(
        IDataView data, DataViewSchema.Column feature, DataViewSchema.Column label, DataViewSchema.Column? weight,
        RowSelection? selection, int batchRows, long windowBytes, Action throwIfCanceled)
    {
        this.data = data;
        this.feature = feature;
        this.label = label;
        this.weight = weight;
        this.selection = selection;
        this.throwIfCanceled = throwIfCanceled;
        Columns = ((VectorDataViewType)feature.Type).Size;
        IsSparse = FirstRowIsSparse();
        this.batchRows = Math.Max(1, batchRows);

        // A dense row costs 4 bytes a feature plus label and weight; a sparse one is budgeted at an eighth of that.
        long rowBytes = 8 + (IsSparse ? Math.Max(64, Columns / 2) : 4L * Columns);
        windowRows = (int)Math.Clamp(windowBytes / rowBytes, this.batchRows, 1 << 20);

        // One window's storage for every window of every pass: a new one each time would churn the large-object heap
        // (tens of megabytes a window), which the GC pays for in full collections and a heap that grows past the budget.
        windowFeatures = new FeatureRowBuffer(Columns, feature.Name, IsSparse ? null : windowRows, IsSparse);
        windowLabels = new float[windowRows];
        windowWeights = weight is null ? null : new float[windowRows];
    }

    /// <inheritdoc/>
    public int Columns { get; }

    /// <inheritdoc/>
    public bool IsSparse { get; }

    /// <inheritdoc/>
    public int MaxBatchRows => batchRows;

    /// <summary>Rows read by the last full pass (after selection, before skipping bad ones).</summary>
    public long RowsRead { get; private set; }

    /// <summary>Rows the last full pass skipped for a missing or invalid value.</summary>
    public long RowsSkipped { get; private set; }

    /// <summary>Rows the window holds.</summary>
    public int WindowRows => windowRows;

    /// <inheritdoc/>
    public FeatureStatistics ComputeStatistics()
    {
        var statistics = new FeatureStatistics(Columns, IsSparse);
        float[] dense = IsSparse ? [] : new float[Columns];
        BeginPass(shuffle: null);
        while (ReadRow(out bool labelValue, out float rowWeight))
        {
            _ = labelValue;
            if (IsSparse)
            {
                if (row.IsDense)
                {
                    AddDenseAsSparse(statistics, row.GetValues(), rowWeight);
                }
                else
                {
                    statistics.AddSparse<float>(row.GetValues(), row.GetIndices(), rowWeight);
                }
            }
            else
            {
                row.CopyTo(dense);
                statistics.AddDense<float>(dense, rowWeight);
            }
        }

        if (RowsRead - RowsSkipped == 0)
        {
            throw new InvalidOperationException(RowsRead == 0
                ? "The training data has no rows."
                : $"No usable training rows: all {RowsRead} rows had a NaN or infinite value in feature column '{feature.Name}' or an invalid weight.");
        }

        return statistics;
    }

    /// <inheritdoc/>
    public void UseScaling(FeatureScaling<float>? scaling) => this.scaling = scaling;

    /// <inheritdoc/>
    public void BeginPass(DeterministicRandom? shuffle)
    {
        cursor?.Dispose();
        this.shuffle = shuffle;
        var columns = new List<DataViewSchema.Column> { feature, label };
        if (weight is { } w)
        {
            columns.Add(w);
        }

        cursor = shuffle is not null && data.CanShuffle
            ? data.GetRowCursor(columns, new Random(shuffle.NextInt(int.MaxValue)))
            : data.GetRowCursor(columns);
        getFeatures = cursor.GetGetter<VBuffer<float>>(feature);
        getLabel = cursor.GetGetter<bool>(label);
        getWeight = weight is { } wc ? cursor.GetGetter<float>(wc) : null;
        getId = selection is null ? null : cursor.GetIdGetter();
        RowsRead = 0;
        RowsSkipped = 0;
        window = null;
        windowCount = 0;
        next = 0;
    }

    /// <inheritdoc/>
    public bool NextBatch()
    {
        if (next >= windowCount && !ReadWindow())
        {
            return false;
        }

        int n = Math.Min(batchRows, windowCount - next);
        window!.Gather(order.AsSpan(next, n));
        next += n;
        return true;
    }

    /// <inheritdoc/>
    public InputBatch<float> Features => window!.Features;

    /// <inheritdoc/>
    public ReadOnlySpan<float> Labels => window!.Labels;

    /// <inheritdoc/>
    public ReadOnlySpan<float> Weights => window!.Weights;

    /// <summary>Reads the next window of usable rows into the window's storage; false at the end of the pass.</summary>
    private bool ReadWindow()
    {
        windowFeatures.Clear();
        int count = 0;
        while (count < windowRows && ReadRow(out bool labelValue, out float rowWeight))
        {
            windowFeatures.Append(row);
            windowLabels[count] = labelValue ? 1 : 0;
            if (windowWeights is not null)
            {
                windowWeights[count] = rowWeight;
            }

            count++;
        }

        windowCount = count;
        next = 0;
        if (count == 0)
        {
            return false;
        }

        // Only a pass's last window is short; its labels are copied to the exact length a training set wants.
        float[] labels = count == windowRows ? windowLabels : windowLabels[..count];
        float[]? weights = windowWeights is null ? null : count == windowRows ? windowWeights : windowWeights[..count];
        TrainingSet<float> set = windowFeatures.ToTrainingSet(labels, weights, keepStorage: true);
        window = new BatchAssembler<float>(set, Math.Min(batchRows, count), scaling);
        if (order.Length < count)
        {
            order = new int[count];
        }

        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        shuffle?.Shuffle(order.AsSpan(0, count));
        return true;
    }

    /// <summary>Moves to the next selected row with usable values (into <see cref="row"/>); false at the end.</summary>
    private bool ReadRow(out bool labelValue, out float rowWeight)
    {
        labelValue = false;
        rowWeight = 1;
        DataViewRowId id = default;
        while (cursor!.MoveNext())
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

            getFeatures!(ref row);
            getLabel!(ref labelValue);
            getWeight?.Invoke(ref rowWeight);
            if (FiniteValues.IndexOfNonFinite(row.GetValues()) >= 0 || (getWeight is not null && !(float.IsFinite(rowWeight) && rowWeight >= 0)))
            {
                RowsSkipped++;
                continue;
            }

            return true;
        }

        return false;
    }

    private bool FirstRowIsSparse()
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

    private static void AddDenseAsSparse(FeatureStatistics statistics, ReadOnlySpan<float> values, float weight)
    {
        int[] indices = new int[values.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = i;
        }

        statistics.AddSparse<float>(values, indices, weight);
    }
}
