using System.Text;
using Backprop.MLNet.Samples.BreastCancer;
using Backprop.MLNet.Tests.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace Backprop.MLNet.Tests.MLNetTools;

/// <summary>
/// <c>mlContext.Model.ConvertToOnnx</c> on pipelines ending in BackpropMlp, checked by running the exported graph in ONNX
/// Runtime: Probability within 1e-5 of ML.NET's and the same PredictedLabel on every row.
/// </summary>
public class OnnxExportTests(ITestOutputHelper output)
{
    [Fact]
    public void DensePipelineLoadedFromAFileExportsAndOnnxRuntimeAgrees()
    {
        var (ml, data, model) = ToolPipelines.Dense(new MlpLayer(32, MlpActivation.Tanh), new MlpLayer(16, MlpActivation.Sigmoid));
        using var temp = new SavedModels.TempFolder();
        ITransformer loaded = ToolPipelines.SaveAndLoad(ml, model, data.Schema, temp.File("model.zip"));

        OnnxCheck check = OnnxCheck.ExportAndCompare(ml, loaded, data, temp.File("model.onnx"));
        Assert.Equal(699, check.Rows);
        output.WriteLine($"{check.Rows} rows: largest |Probability difference| {check.MaxProbabilityDifference:G3}, {check.LabelMismatches} label mismatches");
        Assert.InRange(check.MaxProbabilityDifference, 0, 1e-5);
        Assert.Equal(0, check.LabelMismatches);
        string graph = Encoding.Latin1.GetString(File.ReadAllBytes(temp.File("model.onnx")));
        Assert.Contains("BackpropMlpW1", graph); // our initializers: every layer is in the graph, not Identity nodes over scores
        Assert.Contains("BackpropMlpW2", graph);
        Assert.Contains("Gemm", graph);
        Assert.Contains("Tanh", graph);
    }

    [Fact]
    public void EveryActivationExports()
    {
        var (ml, data, model) = ToolPipelines.Dense(
            new MlpLayer(12, MlpActivation.Relu), new MlpLayer(10, MlpActivation.Identity), new MlpLayer(8, MlpActivation.Tanh), new MlpLayer(6, MlpActivation.Sigmoid));
        using var temp = new SavedModels.TempFolder();
        OnnxCheck check = OnnxCheck.ExportAndCompare(ml, model, data, temp.File("model.onnx"));
        output.WriteLine($"{check.Rows} rows: largest |Probability difference| {check.MaxProbabilityDifference:G3}, {check.LabelMismatches} label mismatches");
        Assert.InRange(check.MaxProbabilityDifference, 0, 1e-5);
        Assert.Equal(0, check.LabelMismatches);
        string graph = Encoding.Latin1.GetString(File.ReadAllBytes(temp.File("model.onnx")));
        foreach (string op in new[] { "Relu", "Identity", "Tanh", "Sigmoid", "BackpropMlpW4" })
        {
            Assert.Contains(op, graph);
        }
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void OneHotPipelineExportsAndOnnxRuntimeAgrees()
    {
        var (ml, data, model) = ToolPipelines.OneHot();
        using var temp = new SavedModels.TempFolder();
        ITransformer loaded = ToolPipelines.SaveAndLoad(ml, model, data.Schema, temp.File("model.zip"));
        OnnxCheck check = OnnxCheck.ExportAndCompare(ml, loaded, data, temp.File("model.onnx"));
        Assert.Equal(3000, check.Rows);
        output.WriteLine($"{check.Rows} rows: largest |Probability difference| {check.MaxProbabilityDifference:G3}, {check.LabelMismatches} label mismatches");
        Assert.InRange(check.MaxProbabilityDifference, 0, 1e-5);
        Assert.Equal(0, check.LabelMismatches);
    }
}
