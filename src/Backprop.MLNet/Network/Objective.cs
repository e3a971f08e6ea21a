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
    /// <param name="gradient">Receives the gradient (a sparse batch may write only the rows of ∂W1 it uses; the L2 term then goes on those rows).</param>
    /// <param name="maxThreads">Threads the matrix products may use.</param>
    public static (T DataLoss, T TotalWeight) LossAndGradient<T>(
        NetworkParameters<T> net, InputBatch<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> s, T lambda,
        Workspace<T> ws, ParameterGradient<T> gradient, int maxThreads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Backpropagation.Forward(net, x, ws, maxThreads);
        (T loss, T totalWeight) = BinaryCrossEntropy.LossAndOutputDelta<T>(ws.U3(x.Rows), y, s, ws.DeltaU3(x.Rows));
        Backpropagation.Backward(net, x, ws, gradient, maxThreads);
        if (lambda > T.Zero)
        {
            gradient.AddL2(net, lambda); // ∂/∂W of (λ/2)·‖W‖² is λ·W
        }

        return (loss, totalWeight);
    }

    /// <summary>The same into a plain array, every value written (checks and tests).</summary>
    public static (T DataLoss, T TotalWeight) LossAndGradient<T>(
        NetworkParameters<T> net, InputBatch<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> s, T lambda, Workspace<T> ws, Span<T> gradient, int maxThreads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var full = new ParameterGradient<T>(net.Layout, trackFirstLayerRows: false);
        (T loss, T totalWeight) result = LossAndGradient(net, x, y, s, lambda, ws, full, maxThreads);
        full.All.CopyTo(gradient);
        return result;
    }

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
