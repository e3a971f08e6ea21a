using Backprop.MLNet.Integration.Onnx;
using Microsoft.ML.Model.OnnxConverter;

namespace Backprop.MLNet;

/// <summary>ONNX export through <c>mlContext.Model.ConvertToOnnx</c>.</summary>
public sealed partial class BackpropMlpModelParameters : ISingleCanSaveOnnx
{
    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn) =>
        NetworkOnnxWriter.Write(ctx, Network, outputNames, featureColumn);
}
