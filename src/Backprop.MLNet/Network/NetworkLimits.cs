namespace Backprop.MLNet.Network;

/// <summary>
/// The largest networks this library builds, trains, saves and loads. One set of limits for all of them, so a
/// network that trains can always be saved and loaded again (the model loader rejects anything beyond them as damaged).
/// </summary>
internal static class NetworkLimits
{
    /// <summary>Most hidden layers.</summary>
    public const int MaxHiddenLayers = 1024;

    /// <summary>Most units in one hidden layer (2²⁴).</summary>
    public const int MaxLayerSize = 1 << 24;

    /// <summary>Most input features (2³⁰).</summary>
    public const int MaxInputs = 1 << 30;

    /// <summary>Most training epochs (and so entries in a model's history).</summary>
    public const int MaxEpochs = 100_000_000;
}
