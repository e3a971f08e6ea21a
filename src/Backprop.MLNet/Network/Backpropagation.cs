using System.Numerics;
using Backprop.MLNet.Numerics;

namespace Backprop.MLNet.Network;

/// <summary>
/// The handout's feed-forward and backpropagation, in its matrix form (rows of <c>x</c> are examples):
/// <code>
///   u1 = x·W1 + b1,   h1 = tanh(u1)            δu1 = δh1 ⊙ tanh'(u1),  ∂W1 = xᵀ·δu1,  ∂b1 = Σ_rows δu1
///   u2 = h1·W2 + b2,  h2 = σ(u2)               δu2 = δh2 ⊙ σ'(u2),     ∂W2 = h1ᵀ·δu2, ∂b2 = Σ_rows δu2,  δh1 = δu2·W2ᵀ
///   u3 = h2·U + c,    ŷ = σ(u3)                δu3 = (ŷ − y)/N,         ∂U = h2ᵀ·δu3,  ∂c = Σ_rows δu3,   δh2 = δu3·Uᵀ
/// </code>
/// generalised to any number of hidden layers, each with its own activation. Layer l below is the
/// handout's layer l + 1.
/// </summary>
internal static class Backpropagation
{
    /// <summary>Feed forward: fills every <c>h</c> and the logits <c>u3</c> of the workspace.</summary>
    public static void Forward<T>(NetworkParameters<T> net, InputBatch<T> x, Workspace<T> ws, int maxThreads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ParameterLayout layout = net.Layout;
        int n = x.Rows;
        CheckBatch(layout, x, ws);
        for (int l = 0; l < layout.LayerCount; l++)
        {
            int outputs = layout.HiddenSizes[l];
            Span<T> h = ws.H(l, n);

            // u = input·W  (then + b and the activation, fused, in place: h = act(u + b))
            if (l == 0)
            {
                MultiplyInput(x, net.W(0), outputs, h, maxThreads);
            }
            else
            {
                Gemm.Multiply<T>(Transpose.No, Transpose.No, n, outputs, layout.HiddenSizes[l - 1],
                    ws.H(l - 1, n), layout.HiddenSizes[l - 1], net.W(l), outputs, h, outputs, accumulate: false, maxThreads);
            }

            ActivationKernels.AddBiasAndActivate<T>(h, n, outputs, net.b(l), net.Activations[l]);
        }

        // u3 = h_last·U + c
        int last = layout.LayerCount - 1;
        Span<T> u3 = ws.U3(n);
        Gemm.Multiply<T>(Transpose.No, Transpose.No, n, 1, layout.HiddenSizes[last],
            ws.H(last, n), layout.HiddenSizes[last], net.U, 1, u3, 1, accumulate: false, maxThreads);
        T c = net.c;
        for (int i = 0; i < n; i++)
        {
            u3[i] += c;
        }
    }

    /// <summary>
    /// Backpropagation: from <c>δu3</c> (in <c>ws.DeltaU3</c>, e.g. from
    /// <see cref="BinaryCrossEntropy.LossAndOutputDelta"/>) writes <c>∂L/∂θ</c> for every parameter into
    /// <paramref name="gradient"/> (same layout as the parameters). Needs the forward pass's workspace.
    /// </summary>
    /// <param name="net">The network.</param>
    /// <param name="x">The batch's inputs.</param>
    /// <param name="ws">The forward pass's buffers.</param>
    /// <param name="gradient">Receives the gradient.</param>
    /// <param name="maxThreads">Threads the matrix products may use.</param>
    /// <param name="touched">
    /// For a sparse batch: when given, only the rows of <c>∂W1</c> that the batch's features use are written
    /// (and listed here); the other rows keep stale values and must not be read. When null, all of <c>∂W1</c> is written.
    /// </param>
    public static void Backward<T>(NetworkParameters<T> net, InputBatch<T> x, Workspace<T> ws, Span<T> gradient, int maxThreads = 1, TouchedRows? touched = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ParameterLayout layout = net.Layout;
        int n = x.Rows;
        int last = layout.LayerCount - 1;
        int hLast = layout.HiddenSizes[last];
        ReadOnlySpan<T> deltaU3 = ws.DeltaU3(n);

        // ∂U = h_lastᵀ·δu3,  ∂c = Σ_rows δu3
        Gemm.Multiply<T>(Transpose.Yes, Transpose.No, hLast, 1, n,
            ws.H(last, n), hLast, deltaU3, 1, gradient.Slice(layout.OutputWeightOffset, hLast), 1, accumulate: false, maxThreads);
        T dc = T.Zero;
        foreach (T d in deltaU3)
        {
            dc += d;
        }

        gradient[layout.OutputBiasOffset] = dc;

        // δh_last = δu3·Uᵀ  (an outer product: each row is δu3ᵢ·U)
        ReadOnlySpan<T> U = net.U;
        Span<T> deltaLast = ws.Delta(last, n);
        for (int i = 0; i < n; i++)
        {
            Span<T> row = deltaLast.Slice(i * hLast, hLast);
            for (int j = 0; j < hLast; j++)
            {
                row[j] = deltaU3[i] * U[j];
            }
        }

        for (int l = last; l >= 0; l--)
        {
            int outputs = layout.HiddenSizes[l];
            int inputs = layout.LayerInputCount(l);
            Span<T> delta = ws.Delta(l, n);

            // δu = δh ⊙ act'(u)   (in place; act' written from h)
            ActivationKernels.MultiplyByDerivative<T>(delta, ws.H(l, n), net.Activations[l]);

            // ∂W = inputᵀ·δu,  ∂b = Σ_rows δu
            Span<T> dW = gradient.Slice(layout.WeightOffset(l), inputs * outputs);
            if (l == 0)
            {
                MultiplyInputTransposed(x, delta, outputs, dW, maxThreads, touched);
            }
            else
            {
                Gemm.Multiply<T>(Transpose.Yes, Transpose.No, inputs, outputs, n,
                    ws.H(l - 1, n), inputs, delta, outputs, dW, outputs, accumulate: false, maxThreads);
            }

            RowReductions.SumRows<T>(delta, n, outputs, gradient.Slice(layout.BiasOffset(l), outputs));

            // δh_previous = δu·Wᵀ  (not needed below the first layer: x has no gradient)
            if (l > 0)
            {
                Gemm.Multiply<T>(Transpose.No, Transpose.Yes, n, inputs, outputs,
                    delta, outputs, net.W(l), outputs, ws.Delta(l - 1, n), inputs, accumulate: false, maxThreads);
            }
        }
    }

    /// <summary>The first layer's <c>x·W1</c>, dense or sparse.</summary>
    private static void MultiplyInput<T>(InputBatch<T> x, ReadOnlySpan<T> W1, int outputs, Span<T> u1, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsSparse)
        {
            SparseProducts.Multiply(x.Values, x.Indices, x.RowStarts, W1, outputs, u1);
        }
        else
        {
            Gemm.Multiply<T>(Transpose.No, Transpose.No, x.Rows, outputs, x.Columns, x.Dense, x.Columns, W1, outputs, u1, outputs, accumulate: false, maxThreads);
        }
    }

    /// <summary>The first layer's <c>∂W1 = xᵀ·δu1</c>, dense or sparse.</summary>
    private static void MultiplyInputTransposed<T>(InputBatch<T> x, ReadOnlySpan<T> deltaU1, int outputs, Span<T> dW1, int maxThreads, TouchedRows? touched)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsSparse)
        {
            if (touched is null)
            {
                dW1.Clear();
            }
            else
            {
                touched.Collect(x.Indices);
                foreach (int row in touched.Rows)
                {
                    dW1.Slice(row * outputs, outputs).Clear();
                }
            }

            SparseProducts.MultiplyTransposedAccumulate(x.Values, x.Indices, x.RowStarts, deltaU1, outputs, dW1);
        }
        else
        {
            Gemm.Multiply<T>(Transpose.Yes, Transpose.No, x.Columns, outputs, x.Rows, x.Dense, x.Columns, deltaU1, outputs, dW1, outputs, accumulate: false, maxThreads);
        }
    }

    private static void CheckBatch<T>(ParameterLayout layout, InputBatch<T> x, Workspace<T> ws)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Columns != layout.InputCount)
        {
            throw new ArgumentException($"The batch has {x.Columns} features but the network expects {layout.InputCount}.", nameof(x));
        }

        if (x.Rows > ws.MaxRows)
        {
            throw new ArgumentException($"The batch has {x.Rows} rows but the workspace holds {ws.MaxRows}.", nameof(x));
        }
    }
}
