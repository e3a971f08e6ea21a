using System.Numerics;
using System.Numerics.Tensors;
using Backprop.MLNet.Numerics;

namespace Backprop.MLNet.Network;

/// <summary>
/// <c>∂J/∂θ</c> of one mini-batch, laid out as the parameters, and which parts of it hold this batch's values.
/// </summary>
/// <remarks>
/// On sparse inputs, <c>∂W1 = xᵀ·δu1</c> is non-zero only on the rows of <c>W1</c> whose features the batch uses, so
/// only those rows are written (<see cref="Rows"/>): an epoch then costs in proportion to the non-zeros, not to the
/// feature count. Every other row of <c>∂W1</c> keeps an older batch's values. This class is the one place that knows:
/// the gradient is read only through <see cref="AddL2"/> and <see cref="Apply"/>, which visit the written parts alone,
/// so no caller can read a stale row. With dense inputs (or without row tracking) every value is written.
/// </remarks>
internal sealed class ParameterGradient<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] values;
    private readonly TouchedRows? touched;

    /// <summary>Whether the last batch wrote only <see cref="Rows"/> of ∂W1 (a sparse batch with tracking), possibly none.</summary>
    private bool partial;

    /// <summary>A gradient for <paramref name="layout"/>; with <paramref name="trackFirstLayerRows"/>, sparse batches write only the rows of ∂W1 they use.</summary>
    public ParameterGradient(ParameterLayout layout, bool trackFirstLayerRows)
    {
        Layout = layout;
        values = new T[layout.Count];
        touched = trackFirstLayerRows ? new TouchedRows(layout.InputCount) : null;
    }

    /// <summary>The parameters' layout.</summary>
    public ParameterLayout Layout { get; }

    /// <summary>Whether only the used rows of <c>∂W1</c> are written by sparse batches.</summary>
    public bool TracksFirstLayerRows => touched is not null;

    /// <summary>Every value, valid after a dense batch or without row tracking (for checks and tests).</summary>
    /// <exception cref="InvalidOperationException">Rows are tracked: some rows of ∂W1 may be stale.</exception>
    public Span<T> All => !partial ? values : throw new InvalidOperationException("The last batch wrote only some rows of ∂W1: read the gradient through Apply.");

    /// <summary>The rows of <c>∂W1</c> the last sparse batch wrote (empty when every row was written).</summary>
    public ReadOnlySpan<int> Rows => partial ? touched!.Rows : default;

    /// <summary>For the backward pass: <c>∂W</c> of layer l as a matrix.</summary>
    internal MatrixView<T> WeightMatrix(int l) => Layout.WeightMatrix<T>(values, l);

    /// <summary>For the backward pass: <c>∂b</c> of layer l.</summary>
    internal Span<T> Bias(int l) => values.AsSpan(Layout.BiasOffset(l), Layout.HiddenSizes[l]);

    /// <summary>For the backward pass: <c>∂U</c> as a column.</summary>
    internal MatrixView<T> OutputColumn => Layout.OutputColumn<T>(values);

    /// <summary>For the backward pass: <c>∂c</c>.</summary>
    internal ref T OutputBias => ref values[Layout.OutputBiasOffset];

    /// <summary>
    /// For the backward pass of a sparse batch: <c>∂W1 += xᵀ·δu1</c>, writing (after zeroing) only the rows the batch
    /// uses when rows are tracked, else the whole of <c>∂W1</c>.
    /// </summary>
    internal void SetSparseFirstLayer(InputBatch<T> x, ReadOnlySpan<T> deltaU1)
    {
        int width = Layout.HiddenSizes[0];
        Span<T> dW1 = values.AsSpan(0, Layout.WeightCount(0));
        partial = touched is not null;
        if (touched is null)
        {
            dW1.Clear();
        }
        else
        {
            touched.Collect(x.Indices);
            foreach (int row in touched.Rows)
            {
                dW1.Slice(row * width, width).Clear();
            }
        }

        SparseProducts.MultiplyTransposedAccumulate(x.Values, x.Indices, x.RowStarts, deltaU1, width, dW1);
    }

    /// <summary>For a dense batch after a sparse one: every row of <c>∂W1</c> is written again.</summary>
    internal void ForgetRows() => partial = false;

    /// <summary>Adds <c>λ·W</c> (the L2 term's gradient) to the written parts of every weight block (biases excluded).</summary>
    public void AddL2(NetworkParameters<T> net, T lambda)
    {
        foreach ((int offset, int length) in Layout.WeightRanges)
        {
            if (partial && offset == Layout.WeightOffset(0))
            {
                int width = Layout.HiddenSizes[0];
                foreach (int row in touched!.Rows)
                {
                    TensorPrimitives.MultiplyAdd(net.Values.AsSpan(row * width, width), lambda, values.AsSpan(row * width, width), values.AsSpan(row * width, width));
                }

                continue;
            }

            TensorPrimitives.MultiplyAdd(net.Values.AsSpan(offset, length), lambda, values.AsSpan(offset, length), values.AsSpan(offset, length));
        }
    }

    /// <summary>
    /// One optimizer step on the written parts: everything when all is written; otherwise everything after <c>W1</c>,
    /// then the written rows of <c>W1</c> (the other rows are left as they are: the lazy update).
    /// </summary>
    public void Apply(IParameterUpdate<T> optimizer, Span<T> parameters)
    {
        if (!partial)
        {
            optimizer.Step(parameters, values);
            return;
        }

        int firstLayer = Layout.WeightCount(0);
        optimizer.BeginStep();
        optimizer.Update(parameters[firstLayer..], values.AsSpan(firstLayer), firstLayer);
        optimizer.UpdateRows(parameters, values, touched!.Rows, Layout.HiddenSizes[0]);
    }
}

/// <summary>What applies a gradient to the parameters (an optimizer): the steps <see cref="ParameterGradient{T}.Apply"/> drives.</summary>
internal interface IParameterUpdate<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A whole step on every parameter.</summary>
    void Step(Span<T> parameters, ReadOnlySpan<T> gradient);

    /// <summary>Starts a step made of several updates.</summary>
    void BeginStep();

    /// <summary>Updates a contiguous block starting at <paramref name="offset"/> of the whole vector.</summary>
    void Update(Span<T> parameters, ReadOnlySpan<T> gradient, int offset);

    /// <summary>Updates the given rows (each <paramref name="width"/> long) of the block at the start of the whole vector; nothing else is read.</summary>
    void UpdateRows(Span<T> parameters, ReadOnlySpan<T> gradient, ReadOnlySpan<int> rows, int width);
}
