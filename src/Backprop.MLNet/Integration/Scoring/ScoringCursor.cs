using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Scoring;

/// <summary>
/// A cursor over the input plus the score columns that scores blocks of rows with matrix products. It reads a
/// block of rows ahead from its one input cursor, keeping the requested input columns of those rows
/// (<see cref="ColumnBlock"/>), scores the block, then hands the rows out one by one. The input is read once, in
/// its own order, so any input works: shuffled cursors, single-pass sources, sources that are not repeatable.
/// </summary>
internal sealed class ScoringCursor : DataViewRowCursor
{
    private readonly DataViewRowCursor input;
    private readonly ColumnBlock?[] blocks;
    private readonly ColumnBlock[] blocksToLoad;
    private readonly ValueGetter<VBuffer<float>>? readFeatures;
    private readonly Func<int, VBuffer<float>>? cachedFeatures;
    private readonly ValueGetter<DataViewRowId> readId;
    private readonly DataViewRowId[] ids;
    private readonly long[] batches;
    private readonly BlockScorer scorer;
    private readonly float[] logits;
    private readonly ScoreColumnAccess access;
    private readonly Func<int> currentSlot;
    private VBuffer<float> features;
    private int count;
    private int slot = -1;
    private long position = -1;
    private bool inputDone;

    /// <summary>Creates the cursor.</summary>
    /// <param name="input">Cursor over the input with the requested input columns and the feature column active.</param>
    /// <param name="requested">The input columns the caller asked for (their values are kept for each block).</param>
    /// <param name="outputSchema">Input schema plus the score columns.</param>
    /// <param name="featureColumn">The feature column of the input schema.</param>
    /// <param name="scorer">This cursor's scorer.</param>
    /// <param name="scoreActive">Which of PredictedLabel, Score, Probability are requested (at least one).</param>
    /// <param name="threshold">PredictedLabel is Score above it (the transformer's threshold).</param>
    public ScoringCursor(
        DataViewRowCursor input, IEnumerable<DataViewSchema.Column> requested, DataViewSchema outputSchema,
        DataViewSchema.Column featureColumn, BlockScorer scorer, bool[] scoreActive, float threshold)
    {
        this.input = input;
        this.scorer = scorer;
        access = new ScoreColumnAccess(outputSchema, scoreActive, threshold);
        Schema = outputSchema;
        logits = new float[scorer.Capacity];
        ids = new DataViewRowId[scorer.Capacity];
        batches = new long[scorer.Capacity];
        readId = input.GetIdGetter();
        currentSlot = CurrentSlot;
        blocks = new ColumnBlock?[input.Schema.Count];
        foreach (DataViewSchema.Column column in requested)
        {
            blocks[column.Index] ??= ColumnBlock.Create(input, input.Schema[column.Index], scorer.Capacity);
        }

        blocksToLoad = blocks.OfType<ColumnBlock>().ToArray();

        // Features the caller also reads are kept anyway: score from those rather than read the column twice.
        cachedFeatures = blocks[featureColumn.Index] is { } featureBlock ? ColumnBlock.FeatureReader(featureBlock) : null;
        readFeatures = cachedFeatures is null ? input.GetGetter<VBuffer<float>>(featureColumn) : null;
    }

    /// <inheritdoc/>
    public override DataViewSchema Schema { get; }

    /// <inheritdoc/>
    public override long Position => position;

    /// <inheritdoc/>
    public override long Batch => slot < 0 || inputDone ? 0 : batches[slot];

    /// <inheritdoc/>
    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = ids[CurrentSlot()];

    /// <inheritdoc/>
    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index < blocks.Length ? blocks[column.Index] is not null : access.IsColumnActive(input, column);

    /// <inheritdoc/>
    public override bool MoveNext()
    {
        if (slot + 1 >= count)
        {
            if (inputDone || !FillNextBlock())
            {
                Finish();
                return false;
            }

            slot = -1;
        }

        slot++;
        position++;
        return true;
    }

    /// <inheritdoc/>
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index >= blocks.Length)
        {
            return access.GetGetter<TValue>(input, column, () => logits[CurrentSlot()]);
        }

        ColumnBlock block = blocks[column.Index]
            ?? throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' was not requested when this cursor was created (it is not active).");
        return block.Getter(currentSlot) as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Invalid TValue in GetGetter: '{typeof(TValue)}', expected '{column.Type.RawType}' for column '{column.Name}'.");
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Finish(); // rows already read ahead are not handed out after Dispose
            input.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>After the last row (or Dispose): no current row, Position −1 as ML.NET's cursors report it.</summary>
    private void Finish()
    {
        inputDone = true;
        slot = count = 0;
        position = -1;
    }

    private int CurrentSlot() => position >= 0
        ? slot
        : throw new InvalidOperationException("The cursor is not on a row: call MoveNext first (and only while it returns true).");

    /// <summary>Reads up to a block of rows from the input, keeping their requested values, and scores them.</summary>
    private bool FillNextBlock()
    {
        scorer.Clear();
        count = 0;
        while (count < scorer.Capacity && input.MoveNext())
        {
            foreach (ColumnBlock block in blocksToLoad)
            {
                block.Load(count);
            }

            readId(ref ids[count]);
            batches[count] = input.Batch;
            if (cachedFeatures is not null)
            {
                scorer.Append(cachedFeatures(count));
            }
            else
            {
                readFeatures!(ref features);
                scorer.Append(features);
            }

            count++;
        }

        scorer.ComputeLogits(logits);
        return count > 0;
    }
}
