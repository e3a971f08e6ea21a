namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>The receiver operating characteristic of a scorer: true against false positive rate as the threshold falls.</summary>
public sealed class RocCurve
{
    private RocCurve(double[] falsePositiveRates, double[] truePositiveRates)
    {
        FalsePositiveRates = falsePositiveRates;
        TruePositiveRates = truePositiveRates;
    }

    /// <summary>x of each point, from 0 to 1.</summary>
    public IReadOnlyList<double> FalsePositiveRates { get; }

    /// <summary>y of each point, from 0 to 1.</summary>
    public IReadOnlyList<double> TruePositiveRates { get; }

    /// <summary>The area under the curve by the trapezoidal rule (ties count half, as the AUC's definition wants).</summary>
    public double Area
    {
        get
        {
            double area = 0;
            for (int i = 1; i < FalsePositiveRates.Count; i++)
            {
                area += (FalsePositiveRates[i] - FalsePositiveRates[i - 1]) * (TruePositiveRates[i] + TruePositiveRates[i - 1]) / 2;
            }

            return area;
        }
    }

    /// <summary>Sweeps the threshold over every distinct score, highest first.</summary>
    /// <param name="labels">True for positive rows.</param>
    /// <param name="scores">Any score that grows with the chance of a positive (probability or logit).</param>
    /// <exception cref="ArgumentException">The lengths differ, or one class is absent (the curve is undefined).</exception>
    public static RocCurve Compute(IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
    {
        if (labels.Count != scores.Count)
        {
            throw new ArgumentException($"{labels.Count} labels but {scores.Count} scores.", nameof(scores));
        }

        int positives = labels.Count(l => l), negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException("A ROC curve needs both positive and negative rows.", nameof(labels));
        }

        int[] order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        int truePositives = 0, falsePositives = 0;
        for (int k = 0; k < order.Length; k++)
        {
            if (labels[order[k]])
            {
                truePositives++;
            }
            else
            {
                falsePositives++;
            }

            // Rows with equal scores cross the threshold together: one point per distinct score.
            bool lastOfTies = k == order.Length - 1 || scores[order[k + 1]] != scores[order[k]];
            if (lastOfTies)
            {
                fpr.Add((double)falsePositives / negatives);
                tpr.Add((double)truePositives / positives);
            }
        }

        return new RocCurve(fpr.ToArray(), tpr.ToArray());
    }
}
