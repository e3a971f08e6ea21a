using Backprop.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>
/// <c>mlContext.BinaryClassification.Trainers.BackpropMlp(...)</c>: the catalog entry of the trainer,
/// in ML.NET's namespace as ML.NET's own trainer packages do.
/// </summary>
public static class BackpropMlpCatalog
{
    /// <summary>
    /// A multilayer perceptron trained by backpropagation. With the default layers this is the handout's
    /// network: <c>h1 = tanh(xW1 + b1)</c>, <c>h2 = σ(h1W2 + b2)</c>, <c>ŷ = σ(h2U + c)</c>, mean binary cross-entropy.
    /// </summary>
    /// <param name="catalog">The binary classification trainers.</param>
    /// <param name="labelColumnName">Boolean label column.</param>
    /// <param name="featureColumnName">Known-size <c>Vector&lt;Single&gt;</c> feature column.</param>
    /// <param name="exampleWeightColumnName">Optional Single example-weight column.</param>
    /// <param name="hiddenLayerSizes">
    /// Units per hidden layer. With two or more, the last layer is sigmoid and the others tanh (two sizes give the
    /// handout's network); a single layer is tanh. Null: 32, 16.
    /// </param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    /// <param name="learningRate">Adam's step size.</param>
    /// <param name="batchSize">Rows per mini-batch; 0 = full batch.</param>
    public static BackpropMlpTrainer BackpropMlp(
        this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        string? exampleWeightColumnName = null,
        int[]? hiddenLayerSizes = null,
        int numberOfEpochs = MlpTrainingOptions.Defaults.NumberOfEpochs,
        float learningRate = MlpTrainingOptions.Defaults.LearningRate,
        int batchSize = MlpTrainingOptions.Defaults.BatchSize)
    {
        var options = new BackpropMlpTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            ExampleWeightColumnName = exampleWeightColumnName,
            NumberOfEpochs = numberOfEpochs,
            LearningRate = learningRate,
            BatchSize = batchSize,
        };
        if (hiddenLayerSizes is not null)
        {
            if (hiddenLayerSizes.Length == 0)
            {
                throw new ArgumentException("hiddenLayerSizes must name at least one layer (or be null for the default 32, 16).", nameof(hiddenLayerSizes));
            }

            options.HiddenLayers.SetSizes(hiddenLayerSizes);
        }

        return BackpropMlp(catalog, options);
    }

    /// <summary>A multilayer perceptron trained by backpropagation, configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The binary classification trainers.</param>
    /// <param name="options">All options, with documented defaults.</param>
    public static BackpropMlpTrainer BackpropMlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, BackpropMlpTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new BackpropMlpTrainer(CatalogUtils.GetEnvironment(catalog), options);
    }
}
