using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.MLNet.Scoring;

/// <summary>
/// A cursor over the input plus the score columns. Scores are computed in blocks: a second,
/// look-ahead cursor over the same input reads the features of the next block of rows, which are
/// scored with matrix products while this cursor passes through the other columns row by row.
/// IDataViews are repeatable (two cursors without a random order see the same rows), which is what
/// makes this valid; a shuffled cursor falls back to scoring one row at a time.
/// </summary>
internal sealed class ScoringCursor : DataViewRowCursor
{
    private readonly DataViewRowCursor main;
    private readonly DataViewRowCursor? ahead;
    private readonly ValueGetter<VBuffer<float>>? aheadFeatures;
    private readonly ValueGetter<VBuffer<float>>? mainFeatures;
    private readonly BlockScorer scorer;
    private readonly float[] logits;
    private readonly ScoreColumnAccess access;
    private VBuffer<float> features;
    private long row = -1;
    private long blockStart;
    private long aheadRows;
    private long scoredRow = -1;

    /// <summary>Creates the cursor.</summary>
    /// <param name="main">Cursor over the input with the requested input columns (and the features when scoring row by row).</param>
    /// <param name="ahead">Look-ahead cursor over the input's feature column, or null to score row by row from <paramref name="main"/>.</param>
    /// <param name="outputSchema">Input schema plus the score columns.</param>
    /// <param name="featureColumn">The feature column of the input schema.</param>
    /// <param name="scorer">This cursor's scorer.</param>
    /// <param name="scoreActive">Which of Score, Probability, PredictedLabel are requested.</param>
    public ScoringCursor(DataViewRowCursor main, DataViewRowCursor? ahead, DataViewSchema outputSchema, DataViewSchema.Column featureColumn, BlockScorer scorer, bool[] scoreActive)
    {
        this.main = main;
        this.ahead = ahead;
        this.scorer = scorer;
        access = new ScoreColumnAccess(outputSchema, scoreActive);
        Schema = outputSchema;
        logits = new float[scorer.Capacity];
        if (ahead is not null)
        {
            aheadFeatures = ahead.GetGetter<VBuffer<float>>(featureColumn);
        }
        else if (access.Scoring)
        {
            mainFeatures = main.GetGetter<VBuffer<float>>(featureColumn);
        }
    }

    /// <inheritdoc/>
    public override DataViewSchema Schema { get; }

    /// <inheritdoc/>
    public override long Position => main.Position;

    /// <inheritdoc/>
    public override long Batch => main.Batch;

    /// <inheritdoc/>
    public override ValueGetter<DataViewRowId> GetIdGetter() => main.GetIdGetter();

    /// <inheritdoc/>
    public override bool IsColumnActive(DataViewSchema.Column column) => access.IsColumnActive(main, column);

    /// <inheritdoc/>
    public override bool MoveNext()
    {
        if (!main.MoveNext())
        {
            return false;
        }

        row++;
        return true;
    }

    /// <inheritdoc/>
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => access.GetGetter<TValue>(main, column, CurrentLogit);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            main.Dispose();
            ahead?.Dispose();
        }

        base.Dispose(disposing);
    }

    private float CurrentLogit()
    {
        if (row < 0)
        {
            throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");
        }

        if (ahead is null)
        {
            if (scoredRow != row)
            {
                mainFeatures!(ref features);
                scorer.Clear();
                scorer.Append(features);
                scorer.ComputeLogits(logits);
                scoredRow = row;
            }

            return logits[0];
        }

        while (row >= blockStart + scorer.Count)
        {
            FillNextBlock();
        }

        return logits[row - blockStart];
    }

    private void FillNextBlock()
    {
        blockStart = aheadRows;
        scorer.Clear();
        while (scorer.Count < scorer.Capacity && ahead!.MoveNext())
        {
            aheadRows++;
            aheadFeatures!(ref features);
            scorer.Append(features);
        }

        if (scorer.Count == 0)
        {
            throw new InvalidOperationException(
                "The input data returned fewer rows to a second cursor than to the first; BackpropMlp scores blocks of rows through two cursors and needs a repeatable IDataView.");
        }

        scorer.ComputeLogits(logits);
    }
}
