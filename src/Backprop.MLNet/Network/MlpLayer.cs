namespace Backprop.MLNet;

/// <summary>The shape of one hidden layer: how many units and which activation.</summary>
public sealed class MlpLayer
{
    /// <summary>Creates a hidden layer description.</summary>
    /// <param name="size">Number of units (at least 1).</param>
    /// <param name="activation">Activation applied to <c>u = hW + b</c>.</param>
    public MlpLayer(int size, MlpActivation activation)
    {
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "A hidden layer needs at least one unit.");
        }

        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }

        Size = size;
        Activation = activation;
    }

    /// <summary>Number of units.</summary>
    public int Size { get; }

    /// <summary>Activation of the layer.</summary>
    public MlpActivation Activation { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Size} {Activation}";
}
