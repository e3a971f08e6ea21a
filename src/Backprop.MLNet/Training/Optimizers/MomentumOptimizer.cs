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
        for (int i = 0; i < v.Length; i++)
        {
            T step = minusEta * gradient[i];
            v[i] = mu * v[i] + step;
            parameters[i] += nesterov ? mu * v[i] + step : v[i];
        }
    }
}
