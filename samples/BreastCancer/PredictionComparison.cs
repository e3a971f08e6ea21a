namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>One test row scored by the trained model and by the same model saved and loaded again.</summary>
/// <param name="Row">0-based index among the test rows.</param>
/// <param name="Label">The true label.</param>
/// <param name="InMemoryProbability">Probability from the model that was just trained.</param>
/// <param name="LoadedProbability">Probability from the model loaded from model.zip in a new MLContext.</param>
/// <param name="LoadedPredictedLabel">The loaded model's decision (probability above 0.5).</param>
public sealed record PredictionComparison(int Row, bool Label, float InMemoryProbability, float LoadedProbability, bool LoadedPredictedLabel);
