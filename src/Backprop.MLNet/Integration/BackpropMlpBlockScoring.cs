using Backprop.MLNet.Integration.Data;
using Backprop.MLNet.Integration.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet;

/// <summary>
/// Bulk scoring in blocks: an opt-in alternative to <c>transformer.Transform(data)</c> for scoring many rows at once.
/// </summary>
public static class BackpropMlpBlockScoring
{
    /// <summary>
    /// Scores <paramref name="input"/> with the same columns, values and annotations as
    /// <c>transformer.Transform(input)</c> (PredictedLabel, Score, Probability), but a cursor reads 256 rows ahead from its
    /// input cursor and scores them together with matrix products, which reuses the weights across rows (about twice
    /// ML.NET's row-by-row throughput on the benchmark network). Lazy; the input is read once, in its own order;
    /// <c>GetRowCursorSet</c> returns the input's parallel cursors.
    /// </summary>
    /// <remarks>
    /// The result is a plain <see cref="IDataView"/> for reading (evaluation, export to files, enumeration): ML.NET's
    /// tools that need the transformer itself (saving, ONNX export, PredictionEngine) take the transformer.
    /// </remarks>
    /// <param name="transformer">A trained BackpropMlp (from <c>Fit</c> or <c>Model.Load</c>).</param>
    /// <param name="input">Data with the transformer's feature column.</param>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or of another type or size.</exception>
    /// <exception cref="NotSupportedException">The transformer's threshold applies to a column other than Score.</exception>
    public static IDataView TransformInBlocks(this BinaryPredictionTransformer<BackpropMlpModelParameters> transformer, IDataView input)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(input);
        if (transformer.ThresholdColumn != ScoreSchema.Score)
        {
            throw new NotSupportedException(
                $"TransformInBlocks applies the threshold to Score; this transformer thresholds '{transformer.ThresholdColumn}'. Use Transform.");
        }

        BackpropMlpModelParameters model = transformer.Model;
        int feature = ColumnChecks.CheckFeatureColumn(input.Schema, transformer.FeatureColumnName, model.InputCount);
        return new ScoredDataView(input, model.Network, input.Schema[feature], transformer.Threshold);
    }
}
