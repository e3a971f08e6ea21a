using Backprop.MLNet.Network;
using Microsoft.ML.Data;
using Microsoft.ML.Numeric;
using Microsoft.ML.Trainers;

namespace Backprop.MLNet;

/// <summary>
/// Feature contributions for <c>mlContext.Transforms.CalculateFeatureContribution</c>: integrated gradients of the
/// Score (the logit u3) from the all-zero feature vector, so that a row's contributions add up to
/// <c>Score(x) − Score(0)</c> (before ML.NET keeps the top and bottom ones and, if asked, normalises them).
/// The integral uses the midpoint rule on 32 points, doubled until the sum is within 0.1 % of
/// <c>Score(x) − Score(0)</c>, at most 1,024 points.
/// </summary>
public sealed partial class BackpropMlpModelParameters : ICalculateFeatureContribution, IFeatureContributionMapper
{
    /// <summary>Lets <c>CalculateFeatureContribution</c> use this model.</summary>
    FeatureContributionCalculator ICalculateFeatureContribution.FeatureContributionCalculator => new(this);

    ValueMapper<TSrc, VBuffer<float>> IFeatureContributionMapper.GetFeatureContributionMapper<TSrc, TDst>(int top, int bottom, bool normalize)
    {
        if (typeof(TSrc) != typeof(VBuffer<float>) || typeof(TDst) != typeof(VBuffer<float>))
        {
            throw new NotSupportedException($"BackpropMlp computes contributions of Vector<Single> features; {typeof(TSrc).Name} → {typeof(TDst).Name} was asked for.");
        }

        var calculator = new IntegratedGradients(Network);
        ValueMapper<VBuffer<float>, VBuffer<float>> map = (in VBuffer<float> features, ref VBuffer<float> contributions) =>
        {
            FeatureContributions(calculator, features, ref contributions);
            VectorUtils.SparsifyNormalize(ref contributions, top, bottom, normalize);
        };
        return (ValueMapper<TSrc, VBuffer<float>>)(Delegate)map;
    }

    /// <summary>Every feature's contribution to the row's Score (zero for features that are zero), before ML.NET's selection.</summary>
    internal void FeatureContributions(IntegratedGradients calculator, in VBuffer<float> features, ref VBuffer<float> contributions)
    {
        if (features.Length != InputCount)
        {
            throw new InvalidOperationException($"A feature vector of {features.Length} values reached a BackpropMlp network that expects {InputCount}.");
        }

        ReadOnlySpan<float> values = features.GetValues();
        var editor = VBufferEditor.Create(ref contributions, InputCount, values.Length, requireIndicesOnDense: false);
        if (features.IsDense)
        {
            calculator.ComputeDense(values, editor.Values);
        }
        else
        {
            features.GetIndices().CopyTo(editor.Indices);
            calculator.ComputeSparse(values, features.GetIndices(), editor.Values);
        }

        contributions = editor.Commit();
    }
}
