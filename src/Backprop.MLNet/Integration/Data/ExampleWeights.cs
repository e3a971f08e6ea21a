namespace Backprop.MLNet.Integration.Data;

/// <summary>
/// How example weights are kept in range, wherever rows are read (into memory, streamed, held out): scaled by the power
/// of two that puts the largest in [1, 2). The loss Σ sᵢ·BCEᵢ / Σ sᵢ does not change, but sums of huge weights cannot
/// overflow and tiny ones are not lost to rounding; weights already in range stay bit for bit as they are. Weights that
/// are all zero leave no row in the loss: an error.
/// </summary>
internal static class ExampleWeights
{
    /// <summary>The exponent to scale by (2^−exponent), from the largest weight of a set of rows.</summary>
    /// <param name="largest">The largest weight of the usable rows.</param>
    /// <param name="role">"training", "validation" or "held-out", for the message.</param>
    /// <param name="weightColumn">The weight column's name, for the message.</param>
    /// <param name="skipped">Rows skipped for missing or invalid values, for the message.</param>
    /// <exception cref="InvalidOperationException">Every weight is 0.</exception>
    public static int ScaleExponent(float largest, string role, string weightColumn, long skipped)
    {
        if (largest == 0)
        {
            throw new InvalidOperationException(
                $"No usable {role} rows: every row{(skipped > 0 ? " that was not skipped" : "")} has weight 0 in weight column '{weightColumn}', so no row counts in the loss.");
        }

        return MathF.ILogB(largest);
    }

    /// <summary>Scales <paramref name="weights"/> by 2^−<paramref name="exponent"/>, in place.</summary>
    public static void Scale(Span<float> weights, int exponent)
    {
        if (exponent == 0)
        {
            return;
        }

        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = MathF.ScaleB(weights[i], -exponent);
        }
    }

    /// <summary>Checks and scales a set's weights (its largest then lies in [1, 2)).</summary>
    public static void ScaleInPlace(Span<float> weights, string role, string weightColumn, long skipped)
    {
        float largest = 0;
        foreach (float w in weights)
        {
            largest = Math.Max(largest, w);
        }

        Scale(weights, ScaleExponent(largest, role, weightColumn, skipped));
    }
}
