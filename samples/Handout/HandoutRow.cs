using Microsoft.ML.Data;

namespace Backprop.MLNet.Samples.Handout;

/// <summary>One example of the batch, as ML.NET reads it.</summary>
public sealed class HandoutRow
{
    /// <summary>y.</summary>
    public bool Label { get; set; }

    /// <summary>x, the two features.</summary>
    [VectorType(2)]
    public float[] Features { get; set; } = [];
}
