using System.Numerics;

namespace Backprop.MLNet.Training.Optimizers;

/// <summary>
/// Adam: <c>m ← β1·m + (1 − β1)·g</c>, <c>v ← β2·v + (1 − β2)·g²</c>,
/// <c>θ ← θ − η·√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε)</c>.
/// </summary>
internal sealed class AdamOptimizer<T>(double learningRate, double beta1, double beta2, double epsilon, int parameterCount) : ParameterOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T b1 = T.CreateChecked(beta1);
    private readonly T b2 = T.CreateChecked(beta2);
    private readonly T eps = T.CreateChecked(epsilon);
    private readonly T[] m = new T[parameterCount];
    private readonly T[] v = new T[parameterCount];
    private int t;
    private T etaT;

    /// <inheritdoc/>
    public override void BeginStep()
    {
        t++;
        etaT = T.CreateChecked(learningRate * Math.Sqrt(1 - Math.Pow(beta2, t)) / (1 - Math.Pow(beta1, t)));
    }

    /// <inheritdoc/>
    public override void UpdateRows(Span<T> parameters, ReadOnlySpan<T> gradient, ReadOnlySpan<int> rows, int width)
    {
        if (!Vector.IsHardwareAccelerated || width % Vector<T>.Count != 0)
        {
            base.UpdateRows(parameters, gradient, rows, width);
            return;
        }

        // The vector loop of Update, with its constants made once for all the rows (same operations, same order).
        var step = new VectorStep(b1, b2, eps, etaT);
        foreach (int row in rows)
        {
            int offset = row * width;
            for (int i = offset; i < offset + width; i += Vector<T>.Count)
            {
                step.Apply(parameters.Slice(i), gradient.Slice(i), m.AsSpan(i), v.AsSpan(i));
            }
        }
    }

    /// <inheritdoc/>
    public override void Update(Span<T> parameters, ReadOnlySpan<T> gradient, int offset)
    {
        T oneMinusB1 = T.One - b1;
        T oneMinusB2 = T.One - b2;
        Span<T> ms = m.AsSpan(offset, parameters.Length);
        Span<T> vs = v.AsSpan(offset, parameters.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // The same operations in the same order as the scalar loop below (no fused multiply-add), so the
            // result does not depend on where the vector part ends.
            var step = new VectorStep(b1, b2, eps, etaT);
            for (; i <= parameters.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                step.Apply(parameters.Slice(i), gradient.Slice(i), ms.Slice(i), vs.Slice(i));
            }
        }

        for (; i < parameters.Length; i++)
        {
            T g = gradient[i];
            ms[i] = b1 * ms[i] + oneMinusB1 * g;
            vs[i] = b2 * vs[i] + oneMinusB2 * g * g;
            parameters[i] -= etaT * ms[i] / (T.Sqrt(vs[i]) + eps);
        }
    }

    /// <summary>Adam's update on one vector's worth of parameters, with its constants broadcast once.</summary>
    private readonly struct VectorStep(T beta1, T beta2, T epsilon, T eta)
    {
        private readonly Vector<T> b1s = new(beta1), b2s = new(beta2), c1 = new(T.One - beta1), c2 = new(T.One - beta2), epsilons = new(epsilon), etas = new(eta);

        /// <summary>Updates the first <see cref="Vector{T}.Count"/> values of m, v and the parameters from the gradient's.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Apply(Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> m, Span<T> v)
        {
            var g = new Vector<T>(gradient);
            Vector<T> mi = b1s * new Vector<T>(m) + c1 * g;
            Vector<T> vi = b2s * new Vector<T>(v) + c2 * g * g;
            Vector<T> step = etas * mi / (Vector.SquareRoot(vi) + epsilons);
            mi.CopyTo(m);
            vi.CopyTo(v);
            (new Vector<T>(parameters) - step).CopyTo(parameters);
        }
    }
}
