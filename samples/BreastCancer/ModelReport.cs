using Microsoft.ML.Data;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>How one trainer did on the test rows.</summary>
/// <param name="Name">The trainer, as ML.NET names it.</param>
/// <param name="Metrics">ML.NET's evaluation on the test rows.</param>
/// <param name="TrainingTime">Wall-clock time of <c>pipeline.Fit</c> (featurisation included, the same for all three).</param>
/// <param name="Roc">The ROC curve on the test rows.</param>
public sealed record ModelReport(string Name, CalibratedBinaryClassificationMetrics Metrics, TimeSpan TrainingTime, RocCurve Roc);
