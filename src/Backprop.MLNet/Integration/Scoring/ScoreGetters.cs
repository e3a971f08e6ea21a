using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Scoring;

/// <summary>Getters of the three score columns from the current row's logit.</summary>
internal static class ScoreGetters
{
    /// <summary>
    /// The getter of score column <paramref name="scoreColumn"/> (0 PredictedLabel, 1 Score, 2 Probability,
    /// their order in <see cref="ScoreSchema"/>), reading the current row's logit from <paramref name="logit"/>; PredictedLabel is Score &gt; <paramref name="threshold"/>.
    /// </summary>
    public static ValueGetter<T> Create<T>(int scoreColumn, Func<float> logit, string columnName, float threshold)
    {
        Delegate getter = scoreColumn switch
        {
            0 => (ValueGetter<bool>)((ref bool value) => value = logit() > threshold),
            1 => (ValueGetter<float>)((ref float value) => value = logit()),
            2 => (ValueGetter<float>)((ref float value) => value = Network.BinaryCrossEntropy.Sigmoid(logit())),
            _ => throw new ArgumentOutOfRangeException(nameof(scoreColumn)),
        };
        return getter as ValueGetter<T>
            ?? throw new InvalidOperationException($"Invalid TValue in GetGetter: '{typeof(T)}', expected '{(scoreColumn == 0 ? typeof(bool) : typeof(float))}' for column '{columnName}'.");
    }
}
