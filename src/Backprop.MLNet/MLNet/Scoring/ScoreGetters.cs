using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.MLNet.Scoring;

/// <summary>Getters of the three score columns from the current row's logit.</summary>
internal static class ScoreGetters
{
    /// <summary>
    /// The getter of score column <paramref name="scoreColumn"/> (0 Score, 1 Probability,
    /// 2 PredictedLabel), reading the current row's logit from <paramref name="logit"/>.
    /// </summary>
    public static ValueGetter<T> Create<T>(int scoreColumn, Func<float> logit, string columnName)
    {
        Delegate getter = scoreColumn switch
        {
            0 => (ValueGetter<float>)((ref float value) => value = logit()),
            1 => (ValueGetter<float>)((ref float value) => value = Network.BinaryCrossEntropy.Sigmoid(logit())),
            2 => (ValueGetter<bool>)((ref bool value) => value = logit() > 0),
            _ => throw new ArgumentOutOfRangeException(nameof(scoreColumn)),
        };
        return getter as ValueGetter<T>
            ?? throw new InvalidOperationException($"Invalid TValue in GetGetter: '{typeof(T)}', expected '{(scoreColumn == 2 ? typeof(bool) : typeof(float))}' for column '{columnName}'.");
    }
}
