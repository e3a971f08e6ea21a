using System.Numerics;
using System.Numerics.Tensors;
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
        int n = x.Rows, last = layout.LayerCount - 1;
        CheckBatch(layout, x, ws);
        for (int l = 0; l <= last; l++)
        {
            MatrixView<T> h = ws.HMatrix(l, n);

            // u = h_previous·W  (h_previous = x for the first layer), then h = act(u + b), in place
            if (l == 0)
            {
                MultiplyInput(x, net.WeightMatrix(0), h, maxThreads);
            }
            else
            {
                MatrixProducts.Multiply(ws.HMatrix(l - 1, n), net.WeightMatrix(l), h, maxThreads);
            }

            ActivationKernels.AddBiasAndActivate<T>(h.Storage, n, h.Columns, net.b(l), net.Activations[l]);
        }

        // u3 = h_last·U + c
        MatrixProducts.Multiply(ws.HMatrix(last, n), net.OutputColumn, ws.U3Column(n), maxThreads);
        Span<T> u3 = ws.U3(n);
        for (int i = 0; i < n; i++)
        {
            u3[i] += net.c;
        }
    }

    /// <summary>
    /// Backpropagation: from <c>δu3</c> (in <c>ws.DeltaU3</c>, e.g. from
    /// <see cref="BinaryCrossEntropy.LossAndOutputDelta"/>) writes <c>∂L/∂θ</c> for every parameter into
    /// <paramref name="gradient"/>. Needs the forward pass's workspace.
    /// </summary>
    /// <param name="net">The network.</param>
    /// <param name="x">The batch's inputs.</param>
    /// <param name="ws">The forward pass's buffers.</param>
    /// <param name="gradient">Receives the gradient (for a sparse batch, only the rows of ∂W1 it uses when it tracks rows).</param>
    /// <param name="maxThreads">Threads the matrix products may use.</param>
    public static void Backward<T>(NetworkParameters<T> net, InputBatch<T> x, Workspace<T> ws, ParameterGradient<T> gradient, int maxThreads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ParameterLayout layout = net.Layout;
        int n = x.Rows, last = layout.LayerCount - 1;
        MatrixView<T> deltaU3 = ws.DeltaU3Column(n);

        // ∂U = h_lastᵀ·δu3,  ∂c = Σ_rows δu3
        MatrixProducts.MultiplyTransposedByMatrix(ws.HMatrix(last, n), deltaU3, gradient.OutputColumn, maxThreads);
        T dc = T.Zero;
        foreach (T d in deltaU3.Storage)
        {
            dc += d;
        }

        gradient.OutputBias = dc;

        // δh_last = δu3·Uᵀ  (an outer product: each row is δu3ᵢ·U)
        MatrixView<T> deltaLast = ws.DeltaMatrix(last, n);
        for (int i = 0; i < n; i++)
        {
            TensorPrimitives.Multiply(net.U, deltaU3.Storage[i], deltaLast.Row(i));
        }

        for (int l = last; l >= 0; l--)
        {
            MatrixView<T> delta = ws.DeltaMatrix(l, n);

            // δu = δh ⊙ act'(u)   (in place; act' written from h)
            ActivationKernels.MultiplyByDerivative<T>(delta.Storage, ws.H(l, n), net.Activations[l]);

            // ∂W = h_previousᵀ·δu  (h_previous = x for the first layer),  ∂b = Σ_rows δu
            if (l == 0)
            {
                MultiplyInputTransposed(x, delta, gradient, maxThreads);
            }
            else
            {
                MatrixProducts.MultiplyTransposedByMatrix(ws.HMatrix(l - 1, n), delta, gradient.WeightMatrix(l), maxThreads);
            }

            RowReductions.SumRows<T>(delta.Storage, n, delta.Columns, gradient.Bias(l));

            // δh_previous = δu·Wᵀ  (not needed below the first layer: x has no gradient)
            if (l > 0)
            {
                MatrixProducts.MultiplyByTransposed(delta, net.WeightMatrix(l), ws.DeltaMatrix(l - 1, n), maxThreads);
            }
        }
    }

    /// <summary>The first layer's <c>u1 = x·W1</c>, dense or sparse.</summary>
    private static void MultiplyInput<T>(InputBatch<T> x, MatrixView<T> W1, MatrixView<T> u1, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsSparse)
        {
            SparseProducts.Multiply(x.Values, x.Indices, x.RowStarts, W1.Storage, W1.Columns, u1.Storage);
        }
        else
        {
            MatrixProducts.Multiply(new ReadOnlyMatrixView<T>(x.Dense, x.Rows, x.Columns), W1, u1, maxThreads);
        }
    }

    /// <summary>The first layer's <c>∂W1 = xᵀ·δu1</c>, dense or sparse.</summary>
    private static void MultiplyInputTransposed<T>(InputBatch<T> x, MatrixView<T> deltaU1, ParameterGradient<T> gradient, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsSparse)
        {
            gradient.SetSparseFirstLayer(x, deltaU1.Storage);
        }
        else
        {
            gradient.ForgetRows();
            MatrixProducts.MultiplyTransposedByMatrix(new ReadOnlyMatrixView<T>(x.Dense, x.Rows, x.Columns), deltaU1, gradient.WeightMatrix(0), maxThreads);
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
