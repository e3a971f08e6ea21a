using Backprop.MLNet.Numerics;

namespace Backprop.MLNet.Network;

/// <summary>
/// Feature contributions by integrated gradients (Sundararajan, Taly and Yan, 2017) from the all-zero input:
/// <c>IGᵢ(x) = xᵢ · ∫₀¹ ∂u3/∂xᵢ(α·x) dα</c>. They add up to <c>u3(x) − u3(0)</c> (completeness), so each is the share
/// of the logit that feature i accounts for relative to an input of zeros.
/// </summary>
/// <remarks>
/// The integral is taken by the midpoint rule on <see cref="InitialSteps"/> points <c>α = (k + ½)/m</c>, all in one
/// batch; when the contributions' sum misses <c>u3(x) − u3(0)</c> by more than <see cref="CompletenessTolerance"/>
/// (relative, or that much absolute for a tiny difference), the steps are doubled, up to <see cref="MaxSteps"/>.
/// A feature that is zero contributes exactly zero, so sparse rows cost in proportion to their non-zeros.
/// </remarks>
internal sealed class IntegratedGradients
{
    /// <summary>Midpoint-rule steps tried first.</summary>
    public const int InitialSteps = 32;

    /// <summary>Most steps (the rule's error falls as 1/steps² on smooth paths).</summary>
    public const int MaxSteps = 1024;

    /// <summary>Completeness gap accepted: 0.1 % of <c>|u3(x) − u3(0)|</c>, or 10⁻⁴ absolute when that is smaller than 0.1.</summary>
    public const double CompletenessTolerance = 1e-3;

    private readonly NetworkParameters<float> net;
    private readonly float[] gradientSum;
    private Workspace<float> workspace;
    private float[] pathValues;
    private int[] rowStarts;
    private int[] pathIndices;

    /// <summary>Creates a calculator with its own buffers (one per thread).</summary>
    public IntegratedGradients(NetworkParameters<float> net)
    {
        this.net = net;
        workspace = new Workspace<float>(net.Layout, InitialSteps);
        gradientSum = new float[net.Layout.HiddenSizes[0]];
        pathValues = [];
        rowStarts = [];
        pathIndices = [];
        Zero = Logit(ReadOnlySpan<float>.Empty, ReadOnlySpan<int>.Empty);
    }

    /// <summary>The baseline's logit <c>u3(0)</c>.</summary>
    public float Zero { get; }

    /// <summary>Steps the last call needed.</summary>
    public int LastSteps { get; private set; }

    /// <summary>Writes the contribution of each of a dense row's d features.</summary>
    /// <returns>The row's logit <c>u3(x)</c>.</returns>
    public float ComputeDense(ReadOnlySpan<float> values, Span<float> contributions)
    {
        if (values.Length != net.Layout.InputCount)
        {
            throw new ArgumentException($"A dense row needs {net.Layout.InputCount} values, got {values.Length}.", nameof(values));
        }

        return Compute(values, ReadOnlySpan<int>.Empty, contributions);
    }

    /// <summary>Writes the contribution of each non-zero of a sparse row (<paramref name="values"/> at the ascending <paramref name="indices"/>).</summary>
    /// <returns>The row's logit <c>u3(x)</c>.</returns>
    public float ComputeSparse(ReadOnlySpan<float> values, ReadOnlySpan<int> indices, Span<float> contributions)
    {
        if (values.Length != indices.Length)
        {
            throw new ArgumentException($"A sparse row needs one index per value, got {indices.Length} for {values.Length}.", nameof(indices));
        }

        if (values.IsEmpty)
        {
            LastSteps = 0;
            return Zero; // x = 0: no path to integrate
        }

        return Compute(values, indices, contributions);
    }

    private float Compute(ReadOnlySpan<float> values, ReadOnlySpan<int> indices, Span<float> contributions)
    {
        float logit = Logit(values, indices);
        double target = (double)logit - Zero;
        double tolerance = Math.Max(CompletenessTolerance * Math.Abs(target), Math.Abs(target) < 0.1 ? 1e-4 : 0);
        for (int steps = InitialSteps; ; steps *= 2)
        {
            double sum = Integrate(values, indices, steps, contributions);
            LastSteps = steps;
            if (Math.Abs(sum - target) <= tolerance || steps >= MaxSteps)
            {
                return logit;
            }
        }
    }

    /// <summary>One midpoint-rule estimate with <paramref name="steps"/> points; returns the contributions' sum.</summary>
    private double Integrate(ReadOnlySpan<float> values, ReadOnlySpan<int> indices, int steps, Span<float> contributions)
    {
        int nonZeros = values.Length;
        int hidden = net.Layout.HiddenSizes[0];
        EnsureCapacity(steps, nonZeros);

        // The path: row k is α_k·x, α_k = (k + ½)/steps, written in the row's own form (dense or sparse).
        Span<float> path = pathValues.AsSpan(0, steps * nonZeros);
        for (int k = 0; k < steps; k++)
        {
            float alpha = (k + 0.5f) / steps;
            Span<float> row = path.Slice(k * nonZeros, nonZeros);
            for (int i = 0; i < nonZeros; i++)
            {
                row[i] = alpha * values[i];
            }
        }

        InputBatch<float> batch;
        if (indices.IsEmpty)
        {
            batch = InputBatch<float>.FromDense(path, steps, net.Layout.InputCount);
        }
        else
        {
            for (int k = 0; k < steps; k++)
            {
                indices.CopyTo(pathIndices.AsSpan(k * nonZeros, nonZeros));
                rowStarts[k] = k * nonZeros;
            }

            rowStarts[steps] = steps * nonZeros;
            batch = InputBatch<float>.FromSparse(path, pathIndices.AsSpan(0, steps * nonZeros), rowStarts.AsSpan(0, steps + 1), net.Layout.InputCount);
        }

        InputGradient.BackToFirstLayer(net, batch, workspace);

        // Σ_k ∂u3/∂x(α_k·x) = (Σ_k δu1_k)·W1ᵀ: sum the rows of δu1 once, then one dot product per feature used.
        RowReductions.SumRows<float>(workspace.Delta(0, steps), steps, hidden, gradientSum);
        ReadOnlySpan<float> W1 = net.W(0);
        double total = 0;
        for (int i = 0; i < nonZeros; i++)
        {
            int feature = indices.IsEmpty ? i : indices[i];
            float dot = System.Numerics.Tensors.TensorPrimitives.Dot(gradientSum, W1.Slice(feature * hidden, hidden));
            contributions[i] = values[i] * dot / steps;
            total += contributions[i];
        }

        return total;
    }

    private float Logit(ReadOnlySpan<float> values, ReadOnlySpan<int> indices)
    {
        InputBatch<float> one = indices.IsEmpty && values.Length == net.Layout.InputCount
            ? InputBatch<float>.FromDense(values, 1, values.Length)
            : InputBatch<float>.FromSparse(values, indices, [0, values.Length], net.Layout.InputCount);
        Backpropagation.Forward(net, one, workspace);
        return workspace.U3(1)[0];
    }

    private void EnsureCapacity(int steps, int nonZeros)
    {
        if (workspace.MaxRows < steps)
        {
            workspace = new Workspace<float>(net.Layout, steps);
        }

        int needed = steps * nonZeros;
        if (pathValues.Length < needed)
        {
            pathValues = new float[needed];
            pathIndices = new int[needed];
        }

        if (rowStarts.Length < steps + 1)
        {
            rowStarts = new int[steps + 1];
        }
    }
}
