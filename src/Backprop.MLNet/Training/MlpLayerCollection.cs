using System.Collections.ObjectModel;

namespace Backprop.MLNet;

/// <summary>
/// The hidden layers of <see cref="MlpTrainingOptions"/>. It starts with the handout's
/// network (32 tanh, then 16 sigmoid); the first layer you add replaces those defaults, so that
/// <c>HiddenLayers = { new MlpLayer(64, MlpActivation.Relu) }</c> means exactly one ReLU layer.
/// </summary>
public sealed class MlpLayerCollection : Collection<MlpLayer>
{
    private bool holdsDefaults;

    /// <summary>Creates the collection holding the default layers.</summary>
    public MlpLayerCollection()
    {
        foreach (MlpLayer layer in Defaults)
        {
            base.InsertItem(Count, layer);
        }

        holdsDefaults = true;
    }

    /// <summary>The default network: the handout's tanh layer then sigmoid layer.</summary>
    public static IReadOnlyList<MlpLayer> Defaults { get; } = [new MlpLayer(32, MlpActivation.Tanh), new MlpLayer(16, MlpActivation.Sigmoid)];

    /// <summary>Whether the collection still holds the defaults (nothing was added, removed or set).</summary>
    public bool HoldsDefaults => holdsDefaults;

    /// <summary>
    /// Replaces the layers by the handout's pattern for the given sizes: with two or more layers the last is sigmoid
    /// and the others tanh (two sizes give the handout's network); a single layer is tanh.
    /// </summary>
    /// <param name="sizes">Units per hidden layer, first to last.</param>
    /// <exception cref="ArgumentException">No size is given.</exception>
    public void SetSizes(IReadOnlyList<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count == 0)
        {
            throw new ArgumentException("At least one hidden layer size is needed.", nameof(sizes));
        }

        var layers = sizes.Select((size, i) => new MlpLayer(size, i == sizes.Count - 1 && i > 0 ? MlpActivation.Sigmoid : MlpActivation.Tanh)).ToList();
        Clear();
        foreach (MlpLayer layer in layers)
        {
            Add(layer);
        }
    }

    /// <inheritdoc/>
    protected override void InsertItem(int index, MlpLayer item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (holdsDefaults)
        {
            holdsDefaults = false;
            base.ClearItems();
            index = 0;
        }

        base.InsertItem(index, item);
    }

    /// <inheritdoc/>
    protected override void SetItem(int index, MlpLayer item)
    {
        ArgumentNullException.ThrowIfNull(item);
        holdsDefaults = false;
        base.SetItem(index, item);
    }

    /// <inheritdoc/>
    protected override void RemoveItem(int index)
    {
        holdsDefaults = false;
        base.RemoveItem(index);
    }

    /// <inheritdoc/>
    protected override void ClearItems()
    {
        holdsDefaults = false;
        base.ClearItems();
    }
}
