namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>Everything the main sample produced, for the console and for the smoke test.</summary>
public sealed record SampleResult
{
    /// <summary>BackpropMlp, LbfgsLogisticRegression and FastTree on the same test rows, in that order.</summary>
    public required IReadOnlyList<ModelReport> Models { get; init; }

    /// <summary>BackpropMlp's losses per epoch.</summary>
    public required IReadOnlyList<MlpEpochRecord> History { get; init; }

    /// <summary>Training and validation loss per epoch.</summary>
    public required string LossCurvePath { get; init; }

    /// <summary>The three ROC curves.</summary>
    public required string RocPath { get; init; }

    /// <summary>The saved BackpropMlp pipeline.</summary>
    public required string ModelPath { get; init; }

    /// <summary>A few test rows scored before saving and after loading.</summary>
    public required IReadOnlyList<PredictionComparison> Predictions { get; init; }

    /// <summary>The pipeline exported to ONNX.</summary>
    public required string OnnxPath { get; init; }

    /// <summary>ONNX Runtime's scores of the exported pipeline against ML.NET's on the test rows.</summary>
    public required OnnxCheck Onnx { get; init; }
}
