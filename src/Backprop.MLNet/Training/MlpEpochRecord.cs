namespace Backprop.MLNet;

/// <summary>What one training epoch achieved.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainingLoss">Mean (example-weighted) binary cross-entropy over the epoch's mini-batches, each measured before its update; without the L2 penalty.</param>
/// <param name="ValidationLoss">Mean binary cross-entropy on the validation rows after the epoch, or null without validation data.</param>
public sealed record MlpEpochRecord(int Epoch, double TrainingLoss, double? ValidationLoss);
