using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>Loads a saved pipeline in a fresh MLContext (as another process would) and scores rows with it and the in-memory one.</summary>
public static class ModelRoundTrip
{
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
