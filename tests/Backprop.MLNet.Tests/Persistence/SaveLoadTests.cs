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

        var last = Assert.IsType<BackpropMlpPredictionTransformer>(((TransformerChain<ITransformer>)loaded).LastTransformer);
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
        Assert.Equal(10, restored.History.Count);
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

    [Fact]
    public void ANewProcessThatNeverCreatedTheTrainerLoadsTheModel()
    {
        using var temp = new SavedModels.TempFolder();
        (MLContext ml, IDataView data, var model) = SavedModels.TrainAndSave(temp.File("model.zip"));

        string output = SavedModels.RunDotnet($"\"{SavedModels.Metadata("LoadCheckAssembly")}\" \"{temp.File("model.zip")}\" \"{DataSets.PathOf("breast-cancer.txt")}\"");
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("# last transformer Backprop.MLNet.BackpropMlpPredictionTransformer", lines[0]);
        Assert.Equal(SavedModels.Predictions(model, data), lines.Skip(1));
    }
}
