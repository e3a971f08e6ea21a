using System.Numerics;
using System.Numerics.Tensors;
using Backprop.MLNet.Network;

namespace Backprop.MLNet.Training;

/// <summary>
/// Per-feature scaling the network trains on: <c>x̃ᵢ = (xᵢ − mᵢ)·rᵢ</c>. Dense features are standardised (mᵢ the mean,
/// rᵢ = 1/σᵢ); sparse features are only shrunk, to a largest absolute value of 1 (mᵢ = 0, rᵢ = 1/max(1, maxᵢ|xᵢ|)), so
/// zeros stay zero, rows stay sparse, and text or one-hot values (already at most 1) are left alone. A constant
/// feature gets rᵢ = 1.
/// </summary>
/// <remarks>
/// tanh and σ saturate on raw scales (a column in the thousands next to one below 0.01), so the rows are scaled as each
/// batch is gathered; the stored rows are never changed. After training the scaling is folded into the first layer,
/// <c>W1ᵢ ← rᵢ·W1ᵢ</c> and <c>b1 ← b1 − Σᵢ mᵢrᵢ·W1ᵢ</c>, so the model scores raw inputs with the same network.
/// </remarks>
internal sealed class FeatureScaling<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private FeatureScaling(T[] shift, T[] rate, bool centred)
    {
        Shift = shift;
        Rate = rate;
        IsCentred = centred;
        NegativeShiftTimesRate = new T[shift.Length];
        for (int i = 0; i < shift.Length; i++)
        {
            NegativeShiftTimesRate[i] = -shift[i] * rate[i];
        }
    }

    /// <summary>mᵢ, subtracted first (zero for sparse features).</summary>
    public T[] Shift { get; }

    /// <summary>rᵢ, the factor applied after the shift.</summary>
    public T[] Rate { get; }

    /// <summary>Whether features are centred (dense data).</summary>
    public bool IsCentred { get; }

    /// <summary><c>−mᵢ·rᵢ</c>, so a dense row scales as one fused <c>x·r + (−m·r)</c>.</summary>
    private T[] NegativeShiftTimesRate { get; }

    /// <summary>Statistics of <paramref name="set"/>'s rows, weighted by their example weights: mean and standard deviation (dense) or largest magnitude (sparse).</summary>
    public static FeatureScaling<T> Fit(TrainingSet<T> set)
    {
        int d = set.Columns;
        var statistics = new FeatureStatistics(d, set.IsSparse);
        for (int row = 0; row < set.Rows; row++)
        {
            double weight = set.Weights is null ? 1 : double.CreateChecked(set.Weights[row]);
            if (set.IsSparse)
            {
                int start = set.RowStarts![row], end = set.RowStarts[row + 1];
                statistics.AddSparse<T>(set.Values.AsSpan(start, end - start), set.Indices.AsSpan(start, end - start), weight);
            }
            else
            {
                statistics.AddDense<T>(set.Dense.AsSpan(row * d, d), weight);
            }
        }

        return FromStatistics(statistics);
    }

    /// <summary>The scaling for statistics gathered elsewhere (e.g. while streaming).</summary>
    public static FeatureScaling<T> FromStatistics(FeatureStatistics statistics)
    {
        (double[] shift, double[] rate) = statistics.ShiftAndRate();
        return new FeatureScaling<T>(
            shift.Select(T.CreateChecked).ToArray(), rate.Select(T.CreateChecked).ToArray(), !statistics.IsSparse);
    }

    /// <summary>In place: <c>row ← (row − m)·r</c> for a dense row of every feature.</summary>
    public void ScaleDense(Span<T> row) => TensorPrimitives.MultiplyAdd(row, Rate, NegativeShiftTimesRate, row);

    /// <summary>In place: <c>vⱼ ← vⱼ·r[indexⱼ]</c> for the non-zeros of a sparse row (sparse scaling does not centre).</summary>
    public void ScaleSparse(Span<T> values, ReadOnlySpan<int> indices)
    {
        for (int j = 0; j < values.Length; j++)
        {
            values[j] *= Rate[indices[j]];
        }
    }

    /// <summary>
    /// Folds the scaling into the first layer, so that <paramref name="net"/> scores raw inputs as it scored scaled ones:
    /// <c>(x − m)·r·W1 + b1 = x·(r·W1) + (b1 − Σᵢ mᵢrᵢ·W1ᵢ)</c>.
    /// </summary>
    public void FoldInto(NetworkParameters<T> net)
    {
        int width = net.Layout.HiddenSizes[0];
        Span<T> W1 = net.W(0), b1 = net.b(0);
        for (int i = 0; i < Rate.Length; i++)
        {
            Span<T> row = W1.Slice(i * width, width);
            if (IsCentred && Shift[i] != T.Zero)
            {
                TensorPrimitives.MultiplyAdd(row, -Shift[i] * Rate[i], b1, b1);
            }

            TensorPrimitives.Multiply(row, Rate[i], row);
        }
    }

    /// <summary>The inverse of <see cref="FoldInto"/>: raw-unit weights (a warm start) into the scaled units training uses.</summary>
    public void UnfoldFrom(NetworkParameters<T> net)
    {
        int width = net.Layout.HiddenSizes[0];
        Span<T> W1 = net.W(0), b1 = net.b(0);
        for (int i = 0; i < Rate.Length; i++)
        {
            Span<T> row = W1.Slice(i * width, width);
            TensorPrimitives.Divide(row, Rate[i], row);
            if (IsCentred && Shift[i] != T.Zero)
            {
                TensorPrimitives.MultiplyAdd(row, Shift[i] * Rate[i], b1, b1);
            }
        }
    }
}
