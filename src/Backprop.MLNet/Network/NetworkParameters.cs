using System.Numerics;
using Backprop.MLNet.Numerics;

namespace Backprop.MLNet.Network;

/// <summary>
/// All parameters of one network in one flat vector (see <see cref="ParameterLayout"/>), with the
/// activation of each hidden layer. Views <c>W(l)</c>, <c>b(l)</c>, <c>U</c>, <c>c</c> use the handout's names.
/// </summary>
internal sealed class NetworkParameters<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates zero parameters for the given shape.</summary>
    public NetworkParameters(ParameterLayout layout, IReadOnlyList<MlpActivation> activations)
        : this(layout, activations, new T[layout.Count])
    {
    }

    /// <summary>Wraps existing flat values (not copied).</summary>
    public NetworkParameters(ParameterLayout layout, IReadOnlyList<MlpActivation> activations, T[] values)
    {
        if (activations.Count != layout.LayerCount)
        {
            throw new ArgumentException($"Expected {layout.LayerCount} activations, got {activations.Count}.", nameof(activations));
        }

        if (values.Length != layout.Count)
        {
            throw new ArgumentException($"Expected {layout.Count} parameter values, got {values.Length}.", nameof(values));
        }

        Layout = layout;
        Activations = activations.ToArray();
        Values = values;
    }

    /// <summary>Where each parameter lives.</summary>
    public ParameterLayout Layout { get; }

    /// <summary>Activation of each hidden layer.</summary>
    public MlpActivation[] Activations { get; }

    /// <summary>The flat parameter vector.</summary>
    public T[] Values { get; }

    /// <summary>Hidden layer l's weights (inputs×outputs, row-major).</summary>
    public Span<T> W(int l) => Values.AsSpan(Layout.WeightOffset(l), Layout.WeightCount(l));

    /// <summary>Hidden layer l's bias.</summary>
    public Span<T> b(int l) => Values.AsSpan(Layout.BiasOffset(l), Layout.HiddenSizes[l]);

    /// <summary>Hidden layer l's weights as a matrix (inputs × outputs), as in the handout's <c>h·W</c>.</summary>
    public MatrixView<T> WeightMatrix(int l) => Layout.WeightMatrix(Values, l);

    /// <summary><c>U</c> as a column (last hidden size × 1), as in <c>u3 = h·U</c>.</summary>
    public MatrixView<T> OutputColumn => Layout.OutputColumn(Values);

    /// <summary>Output weights <c>U</c>.</summary>
    public Span<T> U => Values.AsSpan(Layout.OutputWeightOffset, Layout.HiddenSizes[^1]);

    /// <summary>Output bias <c>c</c>.</summary>
    public ref T c => ref Values[Layout.OutputBiasOffset];

    /// <summary>A deep copy.</summary>
    public NetworkParameters<T> Clone() => new(Layout, Activations, (T[])Values.Clone());

    /// <summary>Whether every parameter is finite.</summary>
    public bool AllFinite()
    {
        foreach (T v in Values)
        {
            if (!T.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }
}
