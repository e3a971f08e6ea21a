using System.Numerics;
using Backprop.MLNet.Numerics;

namespace Backprop.MLNet.Network;

/// <summary>
/// <c>∂u3/∂x</c>, the gradient of the logit with respect to the inputs: the handout's backward pass run from
/// <c>δu3 = 1</c> instead of from the loss, and carried one step further, through <c>W1</c>, to <c>x</c>.
/// <code>
///   δh_last = Uᵀ              (δu3 = 1 on every row)
///   δu_l = δh_l ⊙ act'(u_l),  δh_(l−1) = δu_l·W_lᵀ     for l = last … 1
///   δx = δu1·W1ᵀ
/// </code>
/// Used by <see cref="IntegratedGradients"/>.
/// </summary>
internal static class InputGradient
{
    /// <summary>
    /// Runs the forward pass on <paramref name="x"/> and leaves <c>δu1 = ∂u3/∂u1</c> of every row in
    /// <c>ws.Delta(0, rows)</c>; then <c>∂u3/∂x = δu1·W1ᵀ</c> (see <see cref="IntegratedGradients"/>, which only needs
    /// that product for the features a row uses).
    /// </summary>
    public static void BackToFirstLayer<T>(NetworkParameters<T> net, InputBatch<T> x, Workspace<T> ws)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Backpropagation.Forward(net, x, ws);
        ParameterLayout layout = net.Layout;
        int n = x.Rows;
        int last = layout.LayerCount - 1;
        int hLast = layout.HiddenSizes[last];

        // δh_last = δu3·Uᵀ with δu3 = 1: every row is U.
        Span<T> deltaLast = ws.Delta(last, n);
        for (int i = 0; i < n; i++)
        {
            net.U.CopyTo(deltaLast.Slice(i * hLast, hLast));
        }

        for (int l = last; l >= 0; l--)
        {
            Span<T> delta = ws.Delta(l, n);

            // δu = δh ⊙ act'(u), in place
            ActivationKernels.MultiplyByDerivative<T>(delta, ws.H(l, n), net.Activations[l]);

            // δh_previous = δu·Wᵀ
            if (l > 0)
            {
                MatrixProducts.MultiplyByTransposed(ws.DeltaMatrix(l, n), net.WeightMatrix(l), ws.DeltaMatrix(l - 1, n));
            }
        }
    }
}
