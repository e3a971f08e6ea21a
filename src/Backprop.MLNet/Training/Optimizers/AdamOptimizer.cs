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
        Vector<T> b1s = new(b1), b2s = new(b2), c1 = new(T.One - b1), c2 = new(T.One - b2), epsilons = new(eps), eta = new(etaT);
        foreach (int row in rows)
        {
            int offset = row * width;
            for (int i = offset; i < offset + width; i += Vector<T>.Count)
            {
                var g = new Vector<T>(gradient.Slice(i));
                Vector<T> mi = b1s * new Vector<T>(m.AsSpan(i)) + c1 * g;
                Vector<T> vi = b2s * new Vector<T>(v.AsSpan(i)) + c2 * g * g;
                Vector<T> step = eta * mi / (Vector.SquareRoot(vi) + epsilons);
                mi.CopyTo(m.AsSpan(i));
                vi.CopyTo(v.AsSpan(i));
                (new Vector<T>(parameters.Slice(i)) - step).CopyTo(parameters.Slice(i));
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
            Vector<T> b1s = new(b1), b2s = new(b2), c1 = new(oneMinusB1), c2 = new(oneMinusB2), epsilons = new(eps), eta = new(etaT);
            for (; i <= parameters.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var g = new Vector<T>(gradient.Slice(i));
                Vector<T> mi = b1s * new Vector<T>(ms.Slice(i)) + c1 * g;
                Vector<T> vi = b2s * new Vector<T>(vs.Slice(i)) + c2 * g * g;
                Vector<T> step = eta * mi / (Vector.SquareRoot(vi) + epsilons);
                mi.CopyTo(ms.Slice(i));
                vi.CopyTo(vs.Slice(i));
                (new Vector<T>(parameters.Slice(i)) - step).CopyTo(parameters.Slice(i));
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
}
