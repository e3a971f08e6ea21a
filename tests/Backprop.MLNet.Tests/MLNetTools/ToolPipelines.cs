using Backprop.MLNet.Tests.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Backprop.MLNet.Tests.MLNetTools;

/// <summary>The pipelines ML.NET's tools are tried on: dense (breast cancer) and one-hot (Adult), written as for any ML.NET trainer.</summary>
internal static class ToolPipelines
{
    /// <summary>Breast cancer: missing values → means, min-max scaling, BackpropMlp with the given hidden layers.</summary>
    public static (MLContext Ml, IDataView Data, TransformerChain<BinaryPredictionTransformer<BackpropMlpModelParameters>> Model) Dense(params MlpLayer[] layers)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = DataSets.BreastCancer(ml);
        var options = new BackpropMlpTrainer.Options { NumberOfEpochs = 15, BatchSize = 32, LearningRate = 0.01f, Seed = 1 };
        foreach (MlpLayer layer in layers)
        {
            options.HiddenLayers.Add(layer);
        }

        var model = ml.Transforms.ReplaceMissingValues("Features", replacementMode: MissingValueReplacingEstimator.ReplacementMode.Mean)
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.BinaryClassification.Trainers.BackpropMlp(options))
            .Fit(data);
        return (ml, data, model);
    }

    /// <summary>The first 3,000 Adult rows: one-hot categoricals (sparse) + min-max numerics concatenated, BackpropMlp 16 tanh → 8 sigmoid.</summary>
    public static (MLContext Ml, IDataView Data, ITransformer Model) OneHot()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.TakeRows(DataSets.Adult(ml), 3000);
        ITransformer model = DataSets.AdultFeaturizer(ml)
            .Append(ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options
            {
                HiddenLayers = { new MlpLayer(16, MlpActivation.Tanh), new MlpLayer(8, MlpActivation.Sigmoid) },
                NumberOfEpochs = 5, BatchSize = 64, LearningRate = 0.005f, Seed = 1,
            }))
            .Fit(data);
        return (ml, data, model);
    }

    /// <summary>Saves <paramref name="model"/> and loads it back in a fresh MLContext.</summary>
    public static ITransformer SaveAndLoad(MLContext ml, ITransformer model, DataViewSchema schema, string path)
    {
        ml.Model.Save(model, schema, path);
        return new MLContext().Model.Load(path, out _);
    }
}
