using Backprop.MLNet.MLNet.Data;
using Backprop.MLNet.MLNet.Persistence;
using Backprop.MLNet.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Backprop.MLNet;

/// <summary>
/// A trained BackpropMlp in a pipeline: appends <c>Score</c> (the logit u3), <c>Probability</c>
/// (σ(u3)) and <c>PredictedLabel</c> (Score &gt; 0) to its input. Lazy and streaming; several cursors
/// may score in parallel. Saved and loaded with <c>mlContext.Model.Save</c>/<c>Load</c>.
/// </summary>
public sealed class BackpropMlpPredictionTransformer : ISingleFeaturePredictionTransformer<BackpropMlpModelParameters>
{
    internal BackpropMlpPredictionTransformer(BackpropMlpModelParameters model, string featureColumnName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        Model = model;
        FeatureColumnName = featureColumnName;
        FeatureColumnType = new VectorDataViewType(NumberDataViewType.Single, model.InputCount);
    }

    /// <summary>The trained network.</summary>
    public BackpropMlpModelParameters Model { get; }

    /// <summary>The feature column read by the model.</summary>
    public string FeatureColumnName { get; }

    /// <summary><c>Vector&lt;Single&gt;</c> of the model's input size.</summary>
    public DataViewType FeatureColumnType { get; }

    /// <summary>Always true: the transformer maps rows one to one.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus PredictedLabel, Score and Probability (ML.NET's order).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or not a Single vector of the model's size.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ColumnChecks.CheckFeatureColumn(inputSchema, FeatureColumnName, Model.InputCount);
        return ScoreSchema.Extend(inputSchema);
    }

    /// <summary>Scores <paramref name="input"/> lazily: nothing is computed until a cursor reads a score column.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int feature = ColumnChecks.CheckFeatureColumn(input.Schema, FeatureColumnName, Model.InputCount);
        return new ScoredDataView(input, Model.Network, input.Schema[feature]);
    }

    /// <summary>A row mapper for <paramref name="inputSchema"/> (used by <c>PredictionEngine</c>).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        int feature = ColumnChecks.CheckFeatureColumn(inputSchema, FeatureColumnName, Model.InputCount);
        return new ScoringRowMapper(inputSchema, Model.Network, inputSchema[feature]);
    }

    /// <summary>Writes the model into an ML.NET model file (called by <c>mlContext.Model.Save</c>).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => TransformerFormat.Save(ctx, this);

    /// <summary>
    /// The loader ML.NET calls from <c>mlContext.Model.Load</c> (found through the LoadableClass attribute the
    /// build weaves into this assembly); <paramref name="ctx"/> is ML.NET's internal ModelLoadContext.
    /// </summary>
    private static BackpropMlpPredictionTransformer Create(IHostEnvironment env, object ctx) => TransformerFormat.Load(ctx);
}
