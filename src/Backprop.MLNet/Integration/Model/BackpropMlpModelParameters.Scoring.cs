using Backprop.MLNet.Integration.Scoring;
using Backprop.MLNet.Network;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet;

/// <summary>Row-by-row scoring, as ML.NET's binary scorer and <c>PredictionEngine</c> call it.</summary>
public sealed partial class BackpropMlpModelParameters : IDistPredictorProducing<float, float>, IValueMapperDist
{
    DataViewType IValueMapper.InputType => new VectorDataViewType(NumberDataViewType.Single, InputCount);

    DataViewType IValueMapper.OutputType => NumberDataViewType.Single;

    DataViewType IValueMapperDist.DistType => NumberDataViewType.Single;

    /// <summary>Features → Score (u3). Each call returns a mapper with its own buffers: one per cursor.</summary>
    ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
    {
        CheckMapperTypes(typeof(TIn), typeof(TOut));
        var scorer = new RowScorer(Network);
        ValueMapper<VBuffer<float>, float> map = (in VBuffer<float> features, ref float score) => score = scorer.Logit(features);
        return (ValueMapper<TIn, TOut>)(Delegate)map;
    }

    /// <summary>Features → Score (u3) and Probability (σ(u3)). Each call returns a mapper with its own buffers.</summary>
    ValueMapper<TIn, TOut, TDist> IValueMapperDist.GetMapper<TIn, TOut, TDist>()
    {
        CheckMapperTypes(typeof(TIn), typeof(TOut));
        if (typeof(TDist) != typeof(float))
        {
            throw new NotSupportedException($"BackpropMlp's probability is Single; {typeof(TDist).Name} was asked for.");
        }

        var scorer = new RowScorer(Network);
        ValueMapper<VBuffer<float>, float, float> map = (in VBuffer<float> features, ref float score, ref float probability) =>
        {
            score = scorer.Logit(features);
            probability = BinaryCrossEntropy.Sigmoid(score);
        };
        return (ValueMapper<TIn, TOut, TDist>)(Delegate)map;
    }

    private static void CheckMapperTypes(Type input, Type output)
    {
        if (input != typeof(VBuffer<float>) || output != typeof(float))
        {
            throw new NotSupportedException(
                $"BackpropMlp maps Vector<Single> features to a Single score; {input.Name} → {output.Name} was asked for.");
        }
    }
}
