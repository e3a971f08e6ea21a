using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>Saves a trained pipeline, loads it in a fresh MLContext (as another process would) and scores rows with both.</summary>
public static class ModelRoundTrip
{
    /// <summary>Writes <paramref name="model"/> and the schema of its input to <paramref name="path"/>.</summary>
    public static void Save(MLContext ml, ITransformer model, DataViewSchema inputSchema, string path) =>
        ml.Model.Save(model, inputSchema, path);

    /// <summary>
    /// Loads <paramref name="path"/> into a new MLContext and scores the first <paramref name="count"/>
    /// rows of <paramref name="rows"/> with it and with <paramref name="inMemoryModel"/>.
    /// </summary>
    public static IReadOnlyList<PredictionComparison> LoadAndCompare(string path, ITransformer inMemoryModel, IDataView rows, int count)
    {
        var freshContext = new MLContext();
        ITransformer loaded = freshContext.Model.Load(path, out _);

        IDataView firstRows = freshContext.Data.TakeRows(rows, count);
        bool[] labels = firstRows.GetColumn<bool>("Label").ToArray();
        float[] before = inMemoryModel.Transform(firstRows).GetColumn<float>("Probability").ToArray();
        IDataView afterView = loaded.Transform(firstRows);
        float[] after = afterView.GetColumn<float>("Probability").ToArray();
        bool[] decisions = afterView.GetColumn<bool>("PredictedLabel").ToArray();
        return labels.Select((label, i) => new PredictionComparison(i, label, before[i], after[i], decisions[i])).ToArray();
    }
}
