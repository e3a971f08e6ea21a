using System.Numerics;

namespace Backprop.MLNet.Training.Optimizers;

/// <summary>
/// Momentum: <c>v ← μv − η·g</c>, then <c>θ ← θ + v</c>; with Nesterov's correction
/// <c>θ ← θ + μv − η·g</c> (the look-ahead form scikit-learn and Keras use).
/// </summary>
internal sealed class MomentumOptimizer<T>(double learningRate, double momentum, bool nesterov, int parameterCount) : ParameterOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T minusEta = T.CreateChecked(-learningRate);
    private readonly T mu = T.CreateChecked(momentum);
    private readonly T[] velocity = new T[parameterCount];

    /// <inheritdoc/>
    public override void Update(Span<T> parameters, ReadOnlySpan<T> gradient, int offset)
    {
        Span<T> v = velocity.AsSpan(offset, parameters.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // The scalar loop's operations in its order, so results do not depend on where the vector part ends.
            Vector<T> minusEtas = new(minusEta), mus = new(mu);
            for (; i <= v.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> step = minusEtas * new Vector<T>(gradient.Slice(i));
                Vector<T> vi = mus * new Vector<T>(v.Slice(i)) + step;
                vi.CopyTo(v.Slice(i));
                (new Vector<T>(parameters.Slice(i)) + (nesterov ? mus * vi + step : vi)).CopyTo(parameters.Slice(i));
            }
        }

        for (; i < v.Length; i++)
        {
            T step = minusEta * gradient[i];
            v[i] = mu * v[i] + step;
            parameters[i] += nesterov ? mu * v[i] + step : v[i];
        }
    }
}
