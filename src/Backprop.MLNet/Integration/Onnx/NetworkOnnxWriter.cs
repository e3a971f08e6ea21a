using Backprop.MLNet.Network;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;

namespace Backprop.MLNet.Integration.Onnx;

/// <summary>
/// Writes the network into an ONNX graph that ML.NET's <c>ConvertToOnnx</c> is building, layer by layer:
/// <code>
///   h_l = act_l(Gemm(h_(l−1), W_l, b_l))      act: Tanh, Sigmoid, Relu or Identity;  h_0 = the feature column
///   Score = Gemm(h_last, U, c)                (the logit u3, shape [N, 1])
///   Probability = Sigmoid(Score)
/// </code>
/// ML.NET's binary scorer adds <c>PredictedLabel</c> (a Binarizer on Score at the transformer's threshold).
/// </summary>
internal static class NetworkOnnxWriter
{
    /// <summary>Gemm with a broadcast bias, Sigmoid, Tanh and Relu are all in ONNX opset 7.</summary>
    public const int MinimumOpSetVersion = 7;

    /// <summary>Adds the nodes; <paramref name="outputNames"/> are ML.NET's (PredictedLabel, Score, Probability), or (Score) alone.</summary>
    /// <exception cref="NotSupportedException">The graph cannot hold the network (an activation ONNX has no node for, or an opset before 7).</exception>
    public static bool Write(OnnxContext ctx, NetworkParameters<float> net, string[] outputNames, string featureVariable)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(outputNames);
        if (outputNames.Length == 0)
        {
            throw new ArgumentException("ONNX export needs at least the Score output's name.", nameof(outputNames));
        }

        if (ctx.GetOnnxVersion() is var version && (int)version < 0)
        {
            throw new NotSupportedException($"Unknown ONNX version {version}.");
        }

        try
        {
            ctx.CheckOpSetVersion(MinimumOpSetVersion, "BackpropMlp");
        }
        catch (Exception e) when (e is not NotSupportedException)
        {
            throw new NotSupportedException($"BackpropMlp needs ONNX opset {MinimumOpSetVersion} or later for its Gemm, Tanh and Sigmoid nodes: {e.Message}", e);
        }

        string scoreName = outputNames.Length >= 2 ? outputNames[1] : outputNames[0];
        string? probabilityName = outputNames.Length >= 3 ? outputNames[2] : null;
        ParameterLayout layout = net.Layout;
        string h = featureVariable;
        for (int l = 0; l < layout.LayerCount; l++)
        {
            int inputs = layout.LayerInputCount(l), outputs = layout.HiddenSizes[l];
            string W = ctx.AddInitializer(net.W(l).ToArray(), [inputs, outputs], $"BackpropMlpW{l + 1}");
            string b = ctx.AddInitializer(net.b(l).ToArray(), [outputs], $"BackpropMlpB{l + 1}");
            var type = new VectorDataViewType(NumberDataViewType.Single, outputs);
            string u = ctx.AddIntermediateVariable(type, $"BackpropMlpU{l + 1}", skip: true);
            ctx.CreateNode("Gemm", [h, W, b], [u], ctx.GetNodeName("Gemm"), "");
            h = ctx.AddIntermediateVariable(type, $"BackpropMlpH{l + 1}", skip: true);
            ctx.CreateNode(OpType(net.Activations[l]), [u], [h], ctx.GetNodeName(OpType(net.Activations[l])), "");
        }

        int last = layout.HiddenSizes[^1];
        string U = ctx.AddInitializer(net.U.ToArray(), [last, 1], "BackpropMlpU");
        string c = ctx.AddInitializer([net.c], [1], "BackpropMlpC");
        ctx.CreateNode("Gemm", [h, U, c], [scoreName], ctx.GetNodeName("Gemm"), "");
        if (probabilityName is not null)
        {
            ctx.CreateNode("Sigmoid", [scoreName], [probabilityName], ctx.GetNodeName("Sigmoid"), "");
        }

        return true;
    }

    private static string OpType(MlpActivation activation) => activation switch
    {
        MlpActivation.Tanh => "Tanh",
        MlpActivation.Sigmoid => "Sigmoid",
        MlpActivation.Relu => "Relu",
        MlpActivation.Identity => "Identity",
        _ => throw new NotSupportedException($"The activation {activation} has no ONNX node."),
    };
}
