using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Scoring;

/// <summary>
/// Column access shared by the scoring cursor and the scored row: input columns pass through to the
/// input row; the three score columns come from the current row's logit (PredictedLabel: Score &gt; threshold).
/// </summary>
internal sealed class ScoreColumnAccess(DataViewSchema outputSchema, bool[] scoreActive, float threshold)
{
    private readonly int inputColumnCount = outputSchema.Count - 3;

    /// <summary>Whether any of PredictedLabel, Score, Probability was requested.</summary>
    public bool Scoring { get; } = scoreActive.Any(a => a);

    /// <summary>Whether <paramref name="column"/> is active, given the input row's own answer for input columns.</summary>
    public bool IsColumnActive(DataViewRow input, DataViewSchema.Column column) =>
        column.Index < inputColumnCount ? input.IsColumnActive(input.Schema[column.Index]) : scoreActive[column.Index - inputColumnCount];

    /// <summary>The getter of <paramref name="column"/>: the input's, or one computing from <paramref name="logit"/>.</summary>
    public ValueGetter<TValue> GetGetter<TValue>(DataViewRow input, DataViewSchema.Column column, Func<float> logit)
    {
        if (column.Index < inputColumnCount)
        {
            return input.GetGetter<TValue>(input.Schema[column.Index]);
        }

        int which = column.Index - inputColumnCount;
        if (!scoreActive[which])
        {
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' was not requested when this row or cursor was created (it is not active).");
        }

        return ScoreGetters.Create<TValue>(which, logit, column.Name, threshold);
    }
}
