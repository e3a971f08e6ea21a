using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.MLNet.Scoring;

/// <summary>
/// One input row plus its score columns, computed on demand and cached per row position: what the
/// row mapper (and so <c>PredictionEngine</c>) hands out.
/// </summary>
internal sealed class ScoredRow : DataViewRow
{
    private readonly DataViewRow input;
    private readonly ValueGetter<VBuffer<float>>? getFeatures;
    private readonly BlockScorer scorer;
    private readonly bool[] scoreActive;
    private readonly int inputColumnCount;
    private readonly float[] logit = new float[1];
    private VBuffer<float> features;
    private long scoredPosition = -1;

    /// <summary>Wraps <paramref name="input"/>.</summary>
    public ScoredRow(DataViewRow input, DataViewSchema outputSchema, DataViewSchema.Column featureColumn, BlockScorer scorer, bool[] scoreActive)
    {
        this.input = input;
        this.scorer = scorer;
        this.scoreActive = scoreActive;
        Schema = outputSchema;
        inputColumnCount = outputSchema.Count - 3;
        if (scoreActive.Any(a => a))
        {
            getFeatures = input.GetGetter<VBuffer<float>>(featureColumn);
        }
    }

    /// <inheritdoc/>
    public override DataViewSchema Schema { get; }

    /// <inheritdoc/>
    public override long Position => input.Position;

    /// <inheritdoc/>
    public override long Batch => input.Batch;

    /// <inheritdoc/>
    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    /// <inheritdoc/>
    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index < inputColumnCount ? input.IsColumnActive(input.Schema[column.Index]) : scoreActive[column.Index - inputColumnCount];

    /// <inheritdoc/>
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index < inputColumnCount)
        {
            return input.GetGetter<TValue>(input.Schema[column.Index]);
        }

        int which = column.Index - inputColumnCount;
        if (!scoreActive[which])
        {
            throw new InvalidOperationException($"Column '{column.Name}' was not requested from this row.");
        }

        return ScoreGetters.Create<TValue>(which, CurrentLogit, column.Name);
    }

    private float CurrentLogit()
    {
        // Position -1 (a PredictionEngine's single row) is re-scored on every call.
        long position = input.Position;
        if (position < 0 || position != scoredPosition)
        {
            getFeatures!(ref features);
            scorer.Clear();
            scorer.Append(features);
            scorer.ComputeLogits(logit);
            scoredPosition = position;
        }

        return logit[0];
    }
}
