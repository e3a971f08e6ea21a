using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>
/// Scores an IDataView's rows with an ONNX model that <c>mlContext.Model.ConvertToOnnx</c> wrote: each graph input is
/// the data column of the same name (Single, String or Boolean; scalar or known-size vector), as one [rows, width] tensor.
/// </summary>
public static class OnnxRunner
{
    /// <summary>Runs the model on every row; returns ML.NET's output columns by name ("Probability", "PredictedLabel", ...).</summary>
    /// <param name="onnxModel">The exported model's bytes.</param>
    /// <param name="data">The rows, with the columns the pipeline was exported with.</param>
    /// <param name="columns">The output columns wanted (ML.NET names the graph's outputs "{column}.output").</param>
    public static IReadOnlyDictionary<string, Array> Run(byte[] onnxModel, IDataView data, params string[] columns)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(onnxModel, options);
        var inputs = session.InputMetadata.Select(input => Input(input.Key, data)).ToList();
        string[] outputNames = columns.Select(c => c + ".output").ToArray();
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(inputs, outputNames);
        return results.ToDictionary(r => r.Name[..^".output".Length], r => r.Value switch
        {
            Tensor<float> t => (Array)t.ToArray(),
            Tensor<bool> t => t.ToArray(),
            Tensor<long> t => t.ToArray(),
            Tensor<uint> t => t.ToArray(),
            _ => throw new NotSupportedException($"Output {r.Name} has an element type this runner does not read."),
        });
    }

    private static NamedOnnxValue Input(string name, IDataView data)
    {
        DataViewSchema.Column column = data.Schema[name];
        DataViewType item = column.Type is VectorDataViewType v ? v.ItemType : column.Type;
        int width = column.Type is VectorDataViewType { IsKnownSize: true } vector ? vector.Size : 1;
        if (item == NumberDataViewType.Single)
        {
            float[] values = width == 1 && column.Type is not VectorDataViewType
                ? data.GetColumn<float>(column).ToArray()
                : data.GetColumn<float[]>(column).SelectMany(row => row).ToArray();
            return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(values, [values.Length / width, width]));
        }

        if (item is TextDataViewType && column.Type is not VectorDataViewType)
        {
            string[] values = data.GetColumn<string>(column).ToArray();
            return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<string>(values, [values.Length, 1]));
        }

        if (item == BooleanDataViewType.Instance && column.Type is not VectorDataViewType)
        {
            bool[] values = data.GetColumn<bool>(column).ToArray();
            return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<bool>(values, [values.Length, 1]));
        }

        throw new NotSupportedException($"Input column '{name}' of type {column.Type} is not read by this runner.");
    }
}
