using System.Collections;

namespace Backprop.MLNet.Training;

/// <summary>
/// A read-only list of epoch records stored as parallel arrays (21 bytes an epoch, as in a model file), each
/// <see cref="MlpEpochRecord"/> made when it is read: a long history costs no more memory than its bytes on disk.
/// </summary>
internal sealed class EpochHistory : IReadOnlyList<MlpEpochRecord>
{
    private readonly int[] epochs;
    private readonly double[] trainingLosses;
    private readonly double[] validationLosses;
    private readonly bool[] hasValidation;

    /// <summary>An empty history of the given length, filled with <see cref="Set"/>.</summary>
    public EpochHistory(int count)
    {
        epochs = new int[count];
        trainingLosses = new double[count];
        validationLosses = new double[count];
        hasValidation = new bool[count];
    }

    /// <summary>Number of epochs.</summary>
    public int Count => epochs.Length;

    /// <summary>The record of the i-th epoch (made on each call).</summary>
    public MlpEpochRecord this[int index] => new(epochs[index], trainingLosses[index], hasValidation[index] ? validationLosses[index] : null);

    /// <summary>A compact copy of <paramref name="records"/> (returned as it is if it already is one).</summary>
    public static EpochHistory From(IReadOnlyList<MlpEpochRecord> records)
    {
        if (records is EpochHistory history)
        {
            return history;
        }

        var copy = new EpochHistory(records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            copy.Set(i, records[i].Epoch, records[i].TrainingLoss, records[i].ValidationLoss);
        }

        return copy;
    }

    /// <summary>Sets the i-th record (while the history is built).</summary>
    public void Set(int index, int epoch, double trainingLoss, double? validationLoss)
    {
        epochs[index] = epoch;
        trainingLosses[index] = trainingLoss;
        hasValidation[index] = validationLoss.HasValue;
        validationLosses[index] = validationLoss ?? 0;
    }

    /// <inheritdoc/>
    public IEnumerator<MlpEpochRecord> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
