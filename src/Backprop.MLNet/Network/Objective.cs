using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.MLNet.Network;

/// <summary>
/// The training objective and its gradient:
/// <c>J = Σ sᵢ·BCEᵢ / Σ sᵢ + (λ/2)·Σ_layers ‖W‖² + (λ/2)·‖U‖²</c> (biases are not penalised).
/// </summary>
internal static class Objective
{
    /// <summary>
    /// Forward pass, loss, backpropagation and the L2 term: writes <c>∂J/∂θ</c> into
    /// <paramref name="gradient"/> and returns the data loss (without the penalty) and Σ sᵢ.
    /// </summary>
    /// <param name="net">The network.</param>
    /// <param name="x">Inputs of the batch.</param>
    /// <param name="y">Labels, 0 or 1.</param>
    /// <param name="s">Example weights, or empty for all ones.</param>
    /// <param name="lambda">L2 strength λ.</param>
    /// <param name="ws">Buffers for the batch.</param>
    /// <param name="gradient">Receives the gradient, laid out as the parameters.</param>
    /// <param name="maxThreads">Threads the matrix products may use.</param>
    /// <param name="touched">
    /// For sparse batches: track and write only the used rows of <c>∂W1</c> (see <see cref="Backpropagation.Backward"/>);
    /// the L2 term is then added on those rows of W1 only.
    /// </param>
    public static (T DataLoss, T TotalWeight) LossAndGradient<T>(
        NetworkParameters<T> net, InputBatch<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> s, T lambda,
        Workspace<T> ws, Span<T> gradient, int maxThreads = 1, TouchedRows? touched = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Backpropagation.Forward(net, x, ws, maxThreads);
        (T loss, T totalWeight) = BinaryCrossEntropy.LossAndOutputDelta<T>(ws.U3(x.Rows), y, s, ws.DeltaU3(x.Rows));
        Backpropagation.Backward(net, x, ws, gradient, maxThreads, touched);
        if (lambda > T.Zero)
        {
            // ∂/∂W of (λ/2)·‖W‖² is λ·W.
            foreach ((int offset, int length) in net.Layout.WeightRanges)
            {
                if (touched is not null && offset == net.Layout.WeightOffset(0))
                {
                    int width = net.Layout.HiddenSizes[0];
                    foreach (int row in touched.Rows)
                    {
                        AddL2(net.Values.AsSpan(row * width, width), lambda, gradient.Slice(row * width, width));
                    }

                    continue;
                }

                AddL2(net.Values.AsSpan(offset, length), lambda, gradient.Slice(offset, length));
            }
        }

        return (loss, totalWeight);
    }

    private static void AddL2<T>(ReadOnlySpan<T> weights, T lambda, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        TensorPrimitives.MultiplyAdd(weights, lambda, gradient, gradient);

    /// <summary>The penalty <c>(λ/2)·Σ‖W‖²</c> over all weights (not biases).</summary>
    public static T Penalty<T>(NetworkParameters<T> net, T lambda)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        foreach ((int offset, int length) in net.Layout.WeightRanges)
        {
            sum += TensorPrimitives.SumOfSquares<T>(net.Values.AsSpan(offset, length));
        }

        return lambda * sum / T.CreateChecked(2);
    }
}
