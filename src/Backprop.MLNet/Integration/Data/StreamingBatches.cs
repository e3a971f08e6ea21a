using Backprop.MLNet.Network;
using Backprop.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Data;

/// <summary>
/// Mini-batches read from an <see cref="IDataView"/> on every pass, for rows that do not fit in memory: the cursor fills
/// a window of rows (bounded in bytes), whose order is shuffled when training asks for it, and the window is cut into
/// batches; then the next window is read. When the view can shuffle, the cursor itself is shuffled too, so rows mix
/// across the whole data; otherwise rows mix within a window. Rows with a NaN or infinite feature or an invalid weight
/// are skipped, as when reading into memory. Memory stays bounded whatever the number of rows: two windows, one read on a
/// background task while training uses the other, so reading the data and training overlap on two cores.
/// </summary>
internal sealed class StreamingBatches : IBatchSource<float>, IDisposable
{
    private readonly IDataView data;
    private readonly DataViewSchema.Column feature;
    private readonly DataViewSchema.Column label;
    private readonly DataViewSchema.Column? weight;
    private readonly RowSelection? selection;
    private readonly int batchRows;
    private readonly int windowRows;
    private readonly string role;
    private readonly Action throwIfCanceled;
    private FeatureScaling<float>? scaling;
    private DeterministicRandom? shuffle;
    private RowReader? reader;
    private FeatureStatistics? statistics;

    /// <summary>Weights are scaled by 2^−weightExponent (<see cref="ExampleWeights"/>); null until the first full pass has seen them.</summary>
    private int? weightExponent;
    /// <summary>
    /// Two windows' storage, made on the first pass that reads windows and reused for every window of every pass: a new
    /// one each time would churn the large-object heap (megabytes a window), which the GC pays for in full collections
    /// and a heap that grows past the budget.
    /// </summary>
    private readonly WindowStorage?[] storages = new WindowStorage?[2];
    private int nextStorage;
    private Task<WindowStorage?>? pending;
    private bool cursorExhausted;
    private BatchAssembler<float>? window;
    private int[] order = [];
    private int windowCount;
    private int next;

    /// <summary>Streams the rows of <paramref name="data"/> (those <paramref name="selection"/> keeps, when given).</summary>
    /// <param name="data">The view, with checked columns.</param>
    /// <param name="feature">Known-size Single vector column.</param>
    /// <param name="label">Boolean label column.</param>
    /// <param name="weight">Single weight column, or null.</param>
    /// <param name="selection">Which rows this source reads (training or held-out rows), or null for all.</param>
    /// <param name="batchRows">Rows per batch.</param>
    /// <param name="windowBytes">Memory for the window of rows read at once (at least one batch is read).</param>
    /// <param name="role">"training", "validation" or "held-out", for messages.</param>
    /// <param name="throwIfCanceled">Called every few thousand rows.</param>
    public StreamingBatches(
        IDataView data, DataViewSchema.Column feature, DataViewSchema.Column label, DataViewSchema.Column? weight,
        RowSelection? selection, int batchRows, long windowBytes, string role, Action throwIfCanceled)
    {
        this.data = data;
        this.feature = feature;
        this.label = label;
        this.weight = weight;
        this.selection = selection;
        this.role = role;
        this.throwIfCanceled = throwIfCanceled;
        weightExponent = weight is null ? 0 : null;
        Columns = ((VectorDataViewType)feature.Type).Size;
        IsSparse = RowReader.FirstRowIsSparse(data, feature);
        this.batchRows = Math.Max(1, batchRows);

        // A dense row costs 4 bytes a feature plus label and weight; a sparse one is budgeted at an eighth of that.
        long rowBytes = 8 + (IsSparse ? Math.Max(64, Columns / 2) : 4L * Columns);
        windowRows = (int)Math.Clamp(windowBytes / rowBytes, this.batchRows, 1 << 20);

        EstimatedRowBytes = rowBytes;
    }

    /// <inheritdoc/>
    public int Columns { get; }

    /// <inheritdoc/>
    public bool IsSparse { get; }

    /// <inheritdoc/>
    public int MaxBatchRows => batchRows;

    /// <inheritdoc/>
    public int BackgroundThreads => 1;

    /// <summary>Rows read by the last pass (after selection, before skipping bad ones).</summary>
    public long RowsRead => reader?.RowsRead ?? 0;

    /// <summary>Rows the last pass skipped for a missing or invalid value.</summary>
    public long RowsSkipped => reader?.RowsSkipped ?? 0;

    /// <summary>Rows a window holds.</summary>
    public int WindowRows => windowRows;

    /// <summary>What one row is budgeted at in a window, in bytes.</summary>
    public long EstimatedRowBytes { get; }

    /// <inheritdoc/>
    /// <remarks>The pass also checks that there are usable rows and learns the weights' range; it is made once.</remarks>
    public FeatureStatistics ComputeStatistics() => statistics ??= ReadStatistics();

    /// <summary>
    /// One pass over the rows: the features' statistics, the checks that some row is usable and that not every weight
    /// is 0, and the scale of the weights (as <see cref="TrainingDataReader"/> applies it to rows read into memory).
    /// </summary>
    private FeatureStatistics ReadStatistics()
    {
        var result = new FeatureStatistics(Columns, IsSparse);
        float[] dense = new float[Columns];
        float largestWeight = 0;
        StartPass(shuffle: null, readAhead: false);
        while (reader!.MoveNext())
        {
            VBuffer<float> row = reader.Features;
            largestWeight = Math.Max(largestWeight, reader.Weight);
            if (row.IsDense || !IsSparse)
            {
                row.CopyTo(dense);
                result.AddDense<float>(dense, reader.Weight);
            }
            else
            {
                result.AddSparse<float>(row.GetValues(), row.GetIndices(), reader.Weight);
            }
        }

        if (RowsRead - RowsSkipped == 0)
        {
            throw new InvalidOperationException(RowsRead == 0
                ? $"The {role} data has no rows."
                : $"No usable {role} rows: all {RowsRead} rows had a NaN or infinite value in feature column '{feature.Name}' or an invalid weight.");
        }

        if (weight is { } w)
        {
            weightExponent = ExampleWeights.ScaleExponent(largestWeight, role, w.Name, RowsSkipped);
        }

        return result;
    }

    /// <inheritdoc/>
    public void UseScaling(FeatureScaling<float>? scaling) => this.scaling = scaling;

    /// <inheritdoc/>
    public void BeginPass(DeterministicRandom? shuffle)
    {
        if (weightExponent is null)
        {
            ComputeStatistics(); // the weights' range is needed before batches can be made
        }

        StartPass(shuffle, readAhead: true);
    }

    /// <inheritdoc/>
    public bool NextBatch()
    {
        if (next >= windowCount && !NextWindow())
        {
            return false;
        }

        int n = Math.Min(batchRows, windowCount - next);
        window!.Gather(order.AsSpan(next, n));
        next += n;
        return true;
    }

    /// <summary>
    /// Reads every selected usable row into memory in one pass (weights brought into range as in memory); when they take
    /// more than <paramref name="maxBytes"/> (or there are none), gives up keeping them (Set null) but still counts them to
    /// the end of the pass.
    /// </summary>
    /// <returns>The rows (or null), how many were selected, and the bytes a kept row took (capacity included).</returns>
    public (TrainingSet<float>? Set, long Rows, double BytesPerRow) ReadIntoMemory(long maxBytes)
    {
        StartPass(shuffle: null, readAhead: false);
        var features = new FeatureRowBuffer(Columns, feature.Name, rowCountHint: null, IsSparse);
        var labels = new GrowableArray<float>(null);
        GrowableArray<float>? weights = weight is null ? null : new GrowableArray<float>(null);
        bool keeping = true;
        long rows = 0;
        double bytesPerRow = EstimatedRowBytes;
        while (reader!.MoveNext())
        {
            rows++;
            if (!keeping)
            {
                continue;
            }

            features.Append(reader.Features);
            labels.Add(reader.Label ? 1 : 0);
            weights?.Add(reader.Weight);
            long bytes = features.AllocatedBytes + 4L * (labels.Buffer.Length + (weights?.Buffer.Length ?? 0));
            if (bytes > maxBytes)
            {
                keeping = false;
                bytesPerRow = bytes / (double)rows;
                features = new FeatureRowBuffer(Columns, feature.Name, rowCountHint: null, IsSparse); // let the rows go
            }
        }

        if (!keeping || rows == 0)
        {
            return (null, rows, bytesPerRow);
        }

        float[]? rowWeights = weights?.Buffer[..weights.Count];
        if (rowWeights is not null)
        {
            ExampleWeights.ScaleInPlace(rowWeights, role, weight!.Value.Name, RowsSkipped);
        }

        return (features.ToTrainingSet(labels.Buffer[..labels.Count], rowWeights), rows, bytesPerRow);
    }

    /// <summary>Waits for a window being read, if any, and closes the cursor.</summary>
    public void Dispose()
    {
        Settle();
        reader?.Dispose();
        reader = null;
    }

    /// <summary>Opens a cursor for a pass; with <paramref name="readAhead"/> the first window starts reading in the background.</summary>
    private void StartPass(DeterministicRandom? shuffle, bool readAhead)
    {
        Settle();
        reader?.Dispose();
        this.shuffle = shuffle;
        Random? cursorShuffle = shuffle is not null && data.CanShuffle ? new Random(shuffle.NextInt(int.MaxValue)) : null;
        reader = new RowReader(data, feature, label, weight, selection, cursorShuffle, throwIfCanceled);
        window = null;
        windowCount = 0;
        next = 0;
        cursorExhausted = false;
        if (readAhead)
        {
            ReadInBackground();
        }
    }

    /// <summary>Waits for the window being read in the background (its outcome no longer matters: a new pass or the end).</summary>
    private void Settle()
    {
        if (pending is { } task)
        {
            pending = null;
            try
            {
                task.Wait();
            }
            catch (AggregateException)
            {
                // A pass abandoned after an error (already reported to the caller) or a cancellation.
            }
        }
    }

    /// <summary>Starts filling the next free storage from the cursor on a background task.</summary>
    private void ReadInBackground()
    {
        WindowStorage storage = storages[nextStorage] ??= new WindowStorage(
            new FeatureRowBuffer(Columns, feature.Name, IsSparse ? null : windowRows, IsSparse), new float[windowRows], weight is null ? null : new float[windowRows]);
        nextStorage ^= 1;
        pending = Task.Run(() => Fill(storage));
    }

    /// <summary>Takes the window read in the background, starts reading the one after it, and makes it the current one.</summary>
    private bool NextWindow()
    {
        if (pending is not { } task)
        {
            return false;
        }

        pending = null;
        WindowStorage? filled = task.GetAwaiter().GetResult(); // rethrows the reader's own exception
        windowCount = 0;
        next = 0;
        if (filled is null)
        {
            return false;
        }

        // The other storage's window is done with (its last batch was used before this call): refill it meanwhile.
        if (!cursorExhausted)
        {
            ReadInBackground();
        }

        // Only a pass's last window is short; its labels are copied to the exact length a training set wants.
        int count = filled.Count;
        float[] labels = count == windowRows ? filled.Labels : filled.Labels[..count];
        float[]? weights = filled.Weights is null ? null : count == windowRows ? filled.Weights : filled.Weights[..count];
        TrainingSet<float> set = filled.Features.ToTrainingSet(labels, weights, keepStorage: true);
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
        windowCount = count;
        return true;
    }

    /// <summary>Reads the next window of usable rows into <paramref name="storage"/> (on the background task); null at the end of the pass.</summary>
    private WindowStorage? Fill(WindowStorage storage)
    {
        storage.Features.Clear();
        int count = 0;
        while (count < windowRows && reader!.MoveNext())
        {
            storage.Features.Append(reader.Features);
            storage.Labels[count] = reader.Label ? 1 : 0;
            if (storage.Weights is not null)
            {
                storage.Weights[count] = reader.Weight;
            }

            count++;
        }

        if (storage.Weights is not null)
        {
            ExampleWeights.Scale(storage.Weights.AsSpan(0, count), weightExponent!.Value);
        }

        cursorExhausted = count < windowRows;
        storage.Count = count;
        return count == 0 ? null : storage;
    }

    /// <inheritdoc/>
    public InputBatch<float> Features => window!.Features;

    /// <inheritdoc/>
    public ReadOnlySpan<float> Labels => window!.Labels;

    /// <inheritdoc/>
    public ReadOnlySpan<float> Weights => window!.Weights;

    /// <summary>The rows of one window: features, labels and weights, reused from window to window.</summary>
    private sealed class WindowStorage(FeatureRowBuffer features, float[] labels, float[]? weights)
    {
        public FeatureRowBuffer Features { get; } = features;

        public float[] Labels { get; } = labels;

        public float[]? Weights { get; } = weights;

        /// <summary>Rows filled.</summary>
        public int Count { get; set; }
    }
}
