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
    private readonly ScoreColumnAccess access;
    private readonly float[] logit = new float[1];
    private VBuffer<float> features;
    private long scoredPosition = -1;

    /// <summary>Wraps <paramref name="input"/>.</summary>
    public ScoredRow(DataViewRow input, DataViewSchema outputSchema, DataViewSchema.Column featureColumn, BlockScorer scorer, bool[] scoreActive)
    {
        this.input = input;
        this.scorer = scorer;
        access = new ScoreColumnAccess(outputSchema, scoreActive);
        Schema = outputSchema;
        if (access.Scoring)
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
    public override bool IsColumnActive(DataViewSchema.Column column) => access.IsColumnActive(input, column);

    /// <inheritdoc/>
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => access.GetGetter<TValue>(input, column, CurrentLogit);

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
