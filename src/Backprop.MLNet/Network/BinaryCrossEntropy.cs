using System.Numerics;

namespace Backprop.MLNet.Network;

/// <summary>
/// The handout's loss, <c>BCE(ŷ, y) = −(y log ŷ + (1 − y) log(1 − ŷ))</c> with <c>ŷ = σ(u3)</c>, computed
/// from the logit <c>u3</c> so that ŷ = 0 or 1 never produces an infinity.
/// </summary>
internal static class BinaryCrossEntropy
{
    /// <summary><c>BCE(σ(u3), y) = softplus(u3) − y·u3</c>, with softplus written stably.</summary>
    public static T FromLogit<T>(T u3, T y)
        where T : unmanaged, IFloatingPointIeee754<T> => Softplus(u3) - y * u3;

    /// <summary><c>log(1 + e^z) = max(z, 0) + log(1 + e^−|z|)</c>: never overflows.</summary>
    public static T Softplus<T>(T z)
        where T : unmanaged, IFloatingPointIeee754<T> => T.Max(z, T.Zero) + T.LogP1(T.Exp(-T.Abs(z)));

    /// <summary><c>σ(z) = 1/(1 + e^−z)</c> evaluated on the side where the exponential cannot overflow.</summary>
    public static T Sigmoid<T>(T z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (z >= T.Zero)
        {
            return T.One / (T.One + T.Exp(-z));
        }

        T e = T.Exp(z);
        return e / (T.One + e);
    }

    /// <summary>
    /// The weighted mean loss <c>L = Σ sᵢ·BCEᵢ / Σ sᵢ</c> of a batch (sᵢ = 1 when <paramref name="s"/> is
    /// empty: the handout's <c>1/N Σ</c>), and the fused output delta <c>∂L/∂u3ᵢ = sᵢ(ŷᵢ − yᵢ)/Σ s</c>.
    /// </summary>
    /// <returns>The loss, and Σ s (the batch's total weight) for averaging across batches.</returns>
    public static (T Loss, T TotalWeight) LossAndOutputDelta<T>(ReadOnlySpan<T> u3, ReadOnlySpan<T> y, ReadOnlySpan<T> s, Span<T> deltaU3)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = u3.Length;
        T totalWeight = T.Zero;
        if (s.IsEmpty)
        {
            totalWeight = T.CreateChecked(n);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                totalWeight += s[i];
            }
        }

        if (!(totalWeight > T.Zero))
        {
            throw new ArgumentException("The batch's example weights sum to zero or less; at least one row needs a positive weight.", nameof(s));
        }

        T sum = T.Zero;
        for (int i = 0; i < n; i++)
        {
            T si = s.IsEmpty ? T.One : s[i];
            sum += si * FromLogit(u3[i], y[i]);
            deltaU3[i] = si * (Sigmoid(u3[i]) - y[i]) / totalWeight;
        }

        return (sum / totalWeight, totalWeight);
    }
}
