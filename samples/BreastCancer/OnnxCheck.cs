using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>How ONNX Runtime's scores of an exported pipeline compare with ML.NET's on the same rows.</summary>
/// <param name="Rows">Rows compared.</param>
/// <param name="MaxProbabilityDifference">Largest |ONNX Runtime − ML.NET| of Probability.</param>
/// <param name="LabelMismatches">Rows whose PredictedLabel differs.</param>
public sealed record OnnxCheck(int Rows, double MaxProbabilityDifference, int LabelMismatches)
{
    /// <summary>Exports <paramref name="model"/> to <paramref name="onnxPath"/> with ML.NET, then scores <paramref name="rows"/> with both.</summary>
    public static OnnxCheck ExportAndCompare(MLContext ml, ITransformer model, IDataView rows, string onnxPath)
    {
        using (FileStream file = File.Create(onnxPath))
        {
            ml.Model.ConvertToOnnx(model, rows, file);
        }

        IReadOnlyDictionary<string, Array> onnx = OnnxRunner.Run(File.ReadAllBytes(onnxPath), rows, "Probability", "PredictedLabel");
        IDataView scored = model.Transform(rows);
        float[] probability = scored.GetColumn<float>("Probability").ToArray();
        bool[] label = scored.GetColumn<bool>("PredictedLabel").ToArray();
        var onnxProbability = (float[])onnx["Probability"];
        var onnxLabel = (bool[])onnx["PredictedLabel"];
        double maxDifference = probability.Zip(onnxProbability, (a, b) => (double)Math.Abs(a - b)).Max();
        int mismatches = label.Zip(onnxLabel, (a, b) => a != b).Count(different => different);
        return new OnnxCheck(probability.Length, maxDifference, mismatches);
    }
}
