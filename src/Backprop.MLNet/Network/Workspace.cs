using System.Numerics;
using Backprop.MLNet.Numerics;

namespace Backprop.MLNet.Network;

/// <summary>
/// Buffers of one forward/backward pass for batches of up to <see cref="MaxRows"/> rows, allocated
/// once and reused so the training loop allocates nothing per batch.
/// </summary>
internal sealed class Workspace<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Allocates buffers for the given shape and largest batch.</summary>
    public Workspace(ParameterLayout layout, int maxRows)
    {
        MaxRows = Math.Max(1, maxRows);
        h = new T[layout.LayerCount][];
        delta = new T[layout.LayerCount][];
        for (int l = 0; l < layout.LayerCount; l++)
        {
            h[l] = new T[MaxRows * layout.HiddenSizes[l]];
            delta[l] = new T[MaxRows * layout.HiddenSizes[l]];
        }

        u3 = new T[MaxRows];
        deltaU3 = new T[MaxRows];
    }

    private readonly T[][] h;
    private readonly T[][] delta;
    private readonly T[] u3;
    private readonly T[] deltaU3;

    /// <summary>Largest batch these buffers hold.</summary>
    public int MaxRows { get; }

    /// <summary>Output <c>h</c> of hidden layer l (rows×size), written by the forward pass.</summary>
    public Span<T> H(int l, int rows) => h[l].AsSpan(0, rows * (h[l].Length / MaxRows));

    /// <summary><c>∂L/∂h</c> then, in place, <c>∂L/∂u</c> of hidden layer l (rows×size).</summary>
    public Span<T> Delta(int l, int rows) => delta[l].AsSpan(0, rows * (delta[l].Length / MaxRows));

    /// <summary><c>h</c> of hidden layer l as a rows × size matrix.</summary>
    public MatrixView<T> HMatrix(int l, int rows) => new(H(l, rows), rows, h[l].Length / MaxRows);

    /// <summary><c>δ</c> of hidden layer l as a rows × size matrix.</summary>
    public MatrixView<T> DeltaMatrix(int l, int rows) => new(Delta(l, rows), rows, delta[l].Length / MaxRows);

    /// <summary>The logits <c>u3</c> as a rows × 1 matrix.</summary>
    public MatrixView<T> U3Column(int rows) => new(U3(rows), rows, 1);

    /// <summary><c>δu3</c> as a rows × 1 matrix.</summary>
    public MatrixView<T> DeltaU3Column(int rows) => new(DeltaU3(rows), rows, 1);

    /// <summary>The logits <c>u3</c> (one per row).</summary>
    public Span<T> U3(int rows) => u3.AsSpan(0, rows);

    /// <summary><c>∂L/∂u3</c> (one per row).</summary>
    public Span<T> DeltaU3(int rows) => deltaU3.AsSpan(0, rows);
}
