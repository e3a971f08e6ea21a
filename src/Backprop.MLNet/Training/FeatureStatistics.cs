namespace Backprop.MLNet.Training;

/// <summary>
/// Per-feature statistics gathered one row at a time (in double): for dense rows the mean and variance (Welford's
/// update, stable on large offsets), for sparse rows the largest absolute value. Rows count with their example weight
/// (a row of weight 2 counts as that row twice; weight 0 not at all), as they do in the loss.
/// </summary>
internal sealed class FeatureStatistics
{
    private readonly double[] mean;
    private readonly double[] squares;
    private readonly double[] largest;
    private double totalWeight;

    /// <summary>Starts empty statistics of <paramref name="columns"/> features.</summary>
    public FeatureStatistics(int columns, bool sparse)
    {
        IsSparse = sparse;
        mean = sparse ? [] : new double[columns];
        squares = sparse ? [] : new double[columns];
        largest = sparse ? new double[columns] : [];
        Columns = columns;
    }

    /// <summary>Whether the rows are sparse (scaled without centring).</summary>
    public bool IsSparse { get; }

    /// <summary>Number of features.</summary>
    public int Columns { get; }

    /// <summary>Adds a dense row of every feature, with its example weight (to sparse statistics: every value, zeros included).</summary>
    public void AddDense<T>(ReadOnlySpan<T> row, double weight = 1)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (weight <= 0)
        {
            return;
        }

        totalWeight += weight;
        if (IsSparse)
        {
            for (int i = 0; i < row.Length; i++)
            {
                largest[i] = Math.Max(largest[i], Math.Abs(double.CreateChecked(row[i])));
            }

            return;
        }

        double share = weight / totalWeight;
        for (int i = 0; i < row.Length; i++)
        {
            double x = double.CreateChecked(row[i]);
            double delta = x - mean[i];
            mean[i] += share * delta;
            squares[i] += weight * delta * (x - mean[i]);
        }
    }

    /// <summary>Adds the non-zeros of a sparse row, with its example weight.</summary>
    public void AddSparse<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> indices, double weight = 1)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (weight <= 0)
        {
            return;
        }

        totalWeight += weight;
        for (int j = 0; j < values.Length; j++)
        {
            largest[indices[j]] = Math.Max(largest[indices[j]], Math.Abs(double.CreateChecked(values[j])));
        }
    }

    /// <summary>mᵢ and rᵢ: (mean, 1/σ) for dense rows, (0, 1/max(1, max|x|)) for sparse ones; rᵢ = 1 for a constant (or all-zero) feature.</summary>
    public (double[] Shift, double[] Rate) ShiftAndRate()
    {
        double[] shift = new double[Columns], rate = new double[Columns];
        for (int i = 0; i < Columns; i++)
        {
            // Sparse columns are only ever shrunk (to a largest magnitude of 1), never amplified: text and one-hot values are
            // already at most 1, and amplifying a rare n-gram to 1 would make the network fit its noise.
            double spread = IsSparse ? Math.Max(1, largest[i]) : Math.Sqrt(squares[i] / Math.Max(double.Epsilon, totalWeight));
            shift[i] = IsSparse ? 0 : mean[i];

            // A spread within float rounding of the mean is a constant column read with noise: leave its scale alone.
            bool constant = spread <= 0 || (!IsSparse && spread <= 1e-6 * Math.Abs(mean[i]));
            rate[i] = constant || !double.IsFinite(1 / spread) ? 1 : 1 / spread;
        }

        return (shift, rate);
    }
}
