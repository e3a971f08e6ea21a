using Backprop.MLNet.Integration.Data;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.MLNet;

/// <summary>What the trainer computes, checked through the ML.NET API: weights, warm starts, sparse input.</summary>
public class TrainerSemanticsTests
{
    public sealed class Row
    {
        public bool Label { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public float Weight { get; set; } = 1;
    }

    private static Row[] Rows() =>
    [
        new() { Label = true, Features = [1.0f, 2.0f] },
        new() { Label = false, Features = [-1.0f, 0.5f] },
        new() { Label = true, Features = [0.3f, -0.7f] },
        new() { Label = false, Features = [0.8f, 0.1f] },
    ];

    private static BackpropMlpTrainer.Options FullBatchSgd(int epochs) => new()
    {
        ExampleWeightColumnName = "Weight", Optimizer = MlpOptimizer.Sgd, LearningRate = 0.5f, BatchSize = 0, NumberOfEpochs = epochs,
        Shuffle = false, Seed = 4, HiddenLayers = { new MlpLayer(3, MlpActivation.Tanh), new MlpLayer(2, MlpActivation.Sigmoid) },
    };

    [Fact]
    public void DoublingARowsWeightEqualsDuplicatingIt()
    {
        var ml = new MLContext(seed: 1);
        Row[] weighted = Rows();
        weighted[2].Weight = 2;
        Row[] duplicated = [.. Rows(), Rows()[2]];
        BackpropMlpModelParameters a = ml.BinaryClassification.Trainers.BackpropMlp(FullBatchSgd(20)).Fit(ml.Data.LoadFromEnumerable(weighted)).Model;
        BackpropMlpModelParameters b = ml.BinaryClassification.Trainers.BackpropMlp(FullBatchSgd(20)).Fit(ml.Data.LoadFromEnumerable(duplicated)).Model;
        BackpropMlpModelParameters c = ml.BinaryClassification.Trainers.BackpropMlp(FullBatchSgd(20)).Fit(ml.Data.LoadFromEnumerable(Rows())).Model;
        Assert.True(Distance(a, b) < 1e-5, $"weighted vs duplicated differ by {Distance(a, b)}");
        Assert.True(Distance(a, c) > 1e-3, "the weight must matter");
    }

    [Fact]
    public void WarmStartFromExplicitWeightsTakesOneHandoutGradientStep()
    {
        var ml = new MLContext(seed: 1);
        var M = Matrix<float>.Build;
        var V = Vector<float>.Build;
        var start = new BackpropMlpModelParameters(
            [new MlpLayerWeights(M.DenseOfArray(new[,] { { 0.1f, -0.2f }, { 0.4f, 0.3f } }), V.Dense([0.05f, -0.1f]), MlpActivation.Tanh),
             new MlpLayerWeights(M.DenseOfArray(new[,] { { 0.5f, -0.6f }, { 0.2f, 0.7f } }), V.Dense([0f, 0.1f]), MlpActivation.Sigmoid)],
            outputWeights: V.Dense([0.8f, -0.5f]), outputBias: 0.2f);
        Row[] rows = Rows();
        var step = ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options
            { Optimizer = MlpOptimizer.Sgd, LearningRate = 0.5f, BatchSize = 0, NumberOfEpochs = 1, Shuffle = false, NormalizeFeatures = false });
        BackpropMlpModelParameters after = step.Fit(ml.Data.LoadFromEnumerable(rows), start).Model;

        BackpropTrace trace = BackpropTrace.Compute(start, M.DenseOfRowArrays(rows.Select(r => r.Features)), V.Dense(rows.Select(r => r.Label ? 1f : 0f).ToArray()));
        for (int l = 0; l < 2; l++)
        {
            Assert.True((start.HiddenLayers[l].Weights - 0.5f * trace.WeightGradients[l] - after.HiddenLayers[l].Weights).InfinityNorm() < 1e-6);
            Assert.True((start.HiddenLayers[l].Bias - 0.5f * trace.BiasGradients[l] - after.HiddenLayers[l].Bias).InfinityNorm() < 1e-6);
        }

        Assert.True((start.OutputWeights - 0.5f * trace.OutputWeightGradient - after.OutputWeights).InfinityNorm() < 1e-6);
        Assert.Equal(start.OutputBias - 0.5f * trace.OutputBiasGradient, after.OutputBias, 6);
        Assert.Equal(trace.Loss, after.History[0].TrainingLoss, 6);
        Assert.Equal(0.1f, start.HiddenLayers[0].Weights[0, 0]); // the starting weights are untouched
    }

    [Fact]
    public void TrainedModelParametersCannotBeChangedThroughWhatTheyReturn()
    {
        var ml = new MLContext(seed: 1);
        BackpropMlpModelParameters model = ml.BinaryClassification.Trainers.BackpropMlp(FullBatchSgd(3)).Fit(ml.Data.LoadFromEnumerable(Rows())).Model;
        float w = model.HiddenLayers[0].Weights[0, 0], u = model.OutputWeights[0];

        model.HiddenLayers[0].Weights[0, 0] = w + 1;
        model.HiddenLayers[0].Bias[0] += 1;
        model.OutputWeights[0] = u + 1;
        Assert.Throws<NotSupportedException>(() => ((IList<MlpLayerWeights>)model.HiddenLayers)[0] = model.HiddenLayers[1]);
        Assert.False(model.History is IList<MlpEpochRecord> { IsReadOnly: false }, "the history must not be a writable list");

        Assert.Equal(w, model.HiddenLayers[0].Weights[0, 0]);
        Assert.Equal(u, model.OutputWeights[0]);
        Assert.Equal(3, model.History.Count);
    }

    [Fact]
    public void OneHotAndTextFeaturesAreReadAsSparseRows()
    {
        var ml = new MLContext(seed: 1);
        IDataView text = ml.Transforms.Text.FeaturizeText("Features", "SentimentText").Fit(DataSets.Detox(ml)).Transform(DataSets.Detox(ml));
        TrainingDataReader.Result read = TrainingDataReader.Read(text, "Label", "Features", null, () => { }, "training");
        Assert.True(read.Set.IsSparse);
        Assert.True(read.Set.RowStarts![^1] < 0.1 * read.Set.Rows * read.Set.Columns, "a few non-zeros per row");

        IDataView adult = DataSets.AdultFeaturizer(ml).Fit(DataSets.Adult(ml)).Transform(DataSets.Adult(ml));
        TrainingDataReader.Result adultRead = TrainingDataReader.Read(ml.Data.TakeRows(adult, 2000), "Label", "Features", null, () => { }, "training");
        Assert.Equal(2000, adultRead.Set.Rows);
        Assert.True(adultRead.Set.IsSparse, "one-hot rows stay sparse");
    }

    private static double Distance(BackpropMlpModelParameters a, BackpropMlpModelParameters b) =>
        a.HiddenLayers.Zip(b.HiddenLayers, (x, y) => (x.Weights - y.Weights).InfinityNorm() + (x.Bias - y.Bias).InfinityNorm()).Max()
        + (a.OutputWeights - b.OutputWeights).InfinityNorm() + Math.Abs(a.OutputBias - b.OutputBias);
}
