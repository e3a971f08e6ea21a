using Backprop.MLNet.Tests.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.Persistence;

/// <summary>mlContext.Model.Save / Load of whole pipelines: in a fresh context, in a new process, and again after re-saving.</summary>
public class SaveLoadTests
{
    [Fact]
    public void LoadedPipelineGivesBitIdenticalPredictionsAndTheSameModel()
    {
        using var temp = new SavedModels.TempFolder();
        (MLContext ml, IDataView data, var model) = SavedModels.TrainAndSave(temp.File("model.zip"));

        var fresh = new MLContext();
        ITransformer loaded = fresh.Model.Load(temp.File("model.zip"), out DataViewSchema schema);
        Assert.Equal(data.Schema.Select(c => (c.Name, c.Type)), schema.Select(c => (c.Name, c.Type)));
        IDataView freshData = DataSets.BreastCancer(fresh);
        Assert.Equal(SavedModels.Predictions(model, data), SavedModels.Predictions(loaded, freshData));

        var last = Assert.IsType<BinaryPredictionTransformer<BackpropMlpModelParameters>>(((TransformerChain<ITransformer>)loaded).LastTransformer);
        BackpropMlpModelParameters original = model.LastTransformer.Model, restored = last.Model;
        Assert.Equal(original.HiddenLayers.Count, restored.HiddenLayers.Count);
        for (int l = 0; l < original.HiddenLayers.Count; l++)
        {
            Assert.Equal(original.HiddenLayers[l].Weights, restored.HiddenLayers[l].Weights);
            Assert.Equal(original.HiddenLayers[l].Bias, restored.HiddenLayers[l].Bias);
            Assert.Equal(original.HiddenLayers[l].Activation, restored.HiddenLayers[l].Activation);
        }

        Assert.Equal(original.OutputWeights, restored.OutputWeights);
        Assert.Equal(original.OutputBias, restored.OutputBias);
        Assert.Equal(original.History, restored.History);
        Assert.Equal(original.BestEpoch, restored.BestEpoch);
        Assert.True(restored.History.Count >= 2, $"a history of {restored.History.Count} epochs"); // early stopping may end before the 10 epochs
        Assert.Equal("Features", last.FeatureColumnName);
    }

    [Fact]
    public void LoadedPipelineServesAPredictionEngineAndSavesAgain()
    {
        using var temp = new SavedModels.TempFolder();
        (MLContext ml, IDataView data, var model) = SavedModels.TrainAndSave(temp.File("model.zip"));

        var second = new MLContext();
        ITransformer loaded = second.Model.Load(temp.File("model.zip"), out DataViewSchema schema);
        var engine = second.Model.CreatePredictionEngine<PipelineTests.CancerRow, PipelineTests.Prediction>(loaded);
        var originalEngine = ml.Model.CreatePredictionEngine<PipelineTests.CancerRow, PipelineTests.Prediction>(model);
        var row = new PipelineTests.CancerRow { Features = [5, 1, 1, 1, 2, 1, 3, 1, 1] };
        Assert.Equal(originalEngine.Predict(row).Score, engine.Predict(row).Score);

        second.Model.Save(loaded, schema, temp.File("again.zip"));
        ITransformer reloaded = new MLContext().Model.Load(temp.File("again.zip"), out _);
        Assert.Equal(SavedModels.Predictions(model, data), SavedModels.Predictions(reloaded, data));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void ANewProcessThatNeverCreatedTheTrainerLoadsTheModel()
    {
        using var temp = new SavedModels.TempFolder();
        (MLContext ml, IDataView data, var model) = SavedModels.TrainAndSave(temp.File("model.zip"));

        var (comments, predictions) = SavedModels.RunLoadCheck(temp.File("model.zip"));
        Assert.StartsWith("# last transformer Microsoft.ML.Data.BinaryPredictionTransformer`1[[Backprop.MLNet.BackpropMlpModelParameters", comments[0]);
        Assert.Equal(SavedModels.Predictions(model, data), predictions);
    }

    /// <summary>
    /// In a new process, ML.NET's row-by-row scorer (a cursor over Transform), a PredictionEngine and our block scorer
    /// (TransformInBlocks) give the same bits, both with the AVX2/FMA kernels and with the portable ones a machine
    /// without them uses (switched off here through the runtime's DOTNET_EnableAVX2 setting); the portable results
    /// agree with this process's to float tolerance.
    /// </summary>
    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OneRowAtATimeMatchesBlockScoringBitForBitWithEitherKernel(bool portableKernels)
    {
        using var temp = new SavedModels.TempFolder();
        (MLContext ml, IDataView data, var model) = SavedModels.TrainAndSave(temp.File("model.zip"));
        var environment = portableKernels ? new Dictionary<string, string> { ["DOTNET_EnableAVX2"] = "0" } : null;

        var (comments, cursor) = SavedModels.RunLoadCheck(temp.File("model.zip"), environment: environment);
        var (_, engine) = SavedModels.RunLoadCheck(temp.File("model.zip"), mode: "--prediction-engine", environment: environment);
        var (_, blocks) = SavedModels.RunLoadCheck(temp.File("model.zip"), mode: "--blocks", environment: environment);

        if (portableKernels)
        {
            Assert.Equal("# AVX2+FMA off", comments[1]); // the setting took effect: this is not the default path again
        }

        Assert.Equal(699, cursor.Length);
        Assert.Equal(cursor, engine);
        Assert.Equal(cursor, blocks);
        List<string> here = SavedModels.Predictions(model, data);
        for (int i = 0; i < here.Count; i++)
        {
            float expected = ProbabilityOf(here[i]), actual = ProbabilityOf(cursor[i]);
            bool bothMissing = float.IsNaN(expected) && float.IsNaN(actual); // rows with a missing feature score NaN in both
            Assert.True(bothMissing || Math.Abs(expected - actual) <= 1e-5f, $"row {i}: probability {actual} in the new process, {expected} here");
        }
    }

    private static float ProbabilityOf(string line) =>
        BitConverter.Int32BitsToSingle(int.Parse(line.Split('\t')[1], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture));
}
