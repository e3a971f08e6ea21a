using System.Numerics;

namespace Backprop.MLNet.Training;

/// <summary>
/// Holds out a share of the training rows for early stopping, stratified by label: each class gives the same share,
/// so a rare class is in the validation rows too. Very small data sets keep every row for training.
/// </summary>
internal static class ValidationSplit
{
    /// <summary>Fewest validation rows worth stopping on: below it, the validation loss is too noisy to pick an epoch by.</summary>
    public const int MinimumRows = 20;

    /// <summary>Fewest validation rows of each class.</summary>
    public const int MinimumRowsPerClass = 2;

    /// <summary>
    /// Splits the rows of <paramref name="set"/> into training and held-out rows (both sorted), holding out
    /// round(fraction·count) rows of each class; returns null held-out rows when the split would leave fewer than
    /// <see cref="MinimumRows"/> validation rows (or fewer than <see cref="MinimumRowsPerClass"/> of a class that
    /// occurs), in which case every row trains.
    /// </summary>
    public static (int[] Train, int[]? HeldOut) Split<T>(TrainingSet<T> set, double fraction, DeterministicRandom random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] all = Enumerable.Range(0, set.Rows).ToArray();
        if (fraction <= 0)
        {
            return (all, null);
        }

        int[] positives = all.Where(i => set.Labels[i] == T.One).ToArray();
        int[] negatives = all.Where(i => set.Labels[i] != T.One).ToArray();
        random.Shuffle(positives);
        random.Shuffle(negatives);
        int heldPositives = (int)Math.Round(fraction * positives.Length);
        int heldNegatives = (int)Math.Round(fraction * negatives.Length);
        bool enough = heldPositives + heldNegatives >= MinimumRows
            && (positives.Length == 0 || heldPositives >= MinimumRowsPerClass)
            && (negatives.Length == 0 || heldNegatives >= MinimumRowsPerClass)
            && heldPositives + heldNegatives < set.Rows;
        if (!enough)
        {
            return (all, null);
        }

        int[] heldOut = [.. positives[..heldPositives], .. negatives[..heldNegatives]];
        int[] train = [.. positives[heldPositives..], .. negatives[heldNegatives..]];
        Array.Sort(heldOut);
        Array.Sort(train);
        return (train, heldOut);
    }
}
