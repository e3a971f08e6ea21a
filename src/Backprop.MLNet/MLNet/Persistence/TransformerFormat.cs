using Microsoft.ML;

namespace Backprop.MLNet.MLNet.Persistence;

/// <summary>Placeholder until the model format lands: saving is not supported yet.</summary>
internal static class TransformerFormat
{
    /// <summary>Not supported yet.</summary>
    public static void Save(ModelSaveContext ctx, BackpropMlpPredictionTransformer transformer) =>
        throw new NotSupportedException("Saving BackpropMlp models is not implemented yet.");
}
