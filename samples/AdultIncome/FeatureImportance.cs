using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Samples.AdultIncome;

/// <summary>How much the test AUC drops when one feature slot's values are shuffled across rows.</summary>
/// <param name="Feature">The slot's name, e.g. "MaritalStatus.Married-civ-spouse" or "Numeric.Age".</param>
/// <param name="AucDrop">Mean decrease of the AUC over the permutations (positive: the model relies on the slot).</param>
/// <param name="StandardError">Standard error of that mean.</param>
public sealed record FeatureImportance(string Feature, double AucDrop, double StandardError)
{
    /// <summary>
    /// Runs ML.NET's permutation feature importance for the pipeline's last transformer on
    /// <paramref name="data"/> and ranks the slots, most important first.
    /// </summary>
    public static IReadOnlyList<FeatureImportance> Rank(MLContext ml, TransformerChain<BinaryPredictionTransformer<BackpropMlpModelParameters>> model, IDataView data, int permutationCount)
    {
        // PFI permutes the columns the last transformer reads, so it wants the data featurised by the others.
        // Cached, because PFI reads the data once per slot and permutation: re-parsing and re-encoding it each time would dominate.
        IDataView featurized = ml.Data.Cache(model.Take(model.Count() - 1).Aggregate(data, (view, transformer) => transformer.Transform(view)));
        var statistics = ml.BinaryClassification.PermutationFeatureImportance(model.LastTransformer, featurized, permutationCount: permutationCount);

        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        featurized.Schema["Features"].GetSlotNames(ref slotNames);
        string[] names = slotNames.DenseValues().Select(n => n.ToString()).ToArray();
        return statistics
            .Select((s, slot) => new FeatureImportance(names[slot], -s.AreaUnderRocCurve.Mean, s.AreaUnderRocCurve.StandardError))
            .OrderByDescending(f => f.AucDrop)
            .ToArray();
    }
}
