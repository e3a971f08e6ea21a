namespace Backprop.MLNet.Samples.WikipediaDetox;

/// <summary>The columns BackpropMlp adds to a scored comment.</summary>
public sealed class ToxicityPrediction
{
    /// <summary>Probability &gt; 0.5.</summary>
    public bool PredictedLabel { get; set; }

    /// <summary>σ(u3): the network's probability that the comment is toxic.</summary>
    public float Probability { get; set; }

    /// <summary>The logit u3.</summary>
    public float Score { get; set; }
}
