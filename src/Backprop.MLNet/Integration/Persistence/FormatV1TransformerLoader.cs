using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Backprop.MLNet.Integration.Persistence;

/// <summary>
/// Loads the transformer entry written by Backprop.MLNet 1.x (its own transformer type, payload version 1) as ML.NET's
/// <see cref="BinaryPredictionTransformer{TModel}"/>, so files saved before version 2 keep loading and scoring the same.
/// Saving such a loaded model again writes the current layout.
/// </summary>
internal static class FormatV1TransformerLoader
{
    /// <summary>The loader name version 1 wrote into its entries' headers.</summary>
    public const string LoaderSignature = "BackpropMlpTransformer";

    private static VersionInfo Header => new(
        modelSignature: "BPMLPTRN",
        verWrittenCur: 0x00010001,
        verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001,
        loaderAssemblyName: typeof(FormatV1TransformerLoader).Assembly.GetName().Name,
        loaderSignature: LoaderSignature);

    /// <summary>Called by ML.NET's component catalog for an entry whose header names <see cref="LoaderSignature"/>.</summary>
    private static BinaryPredictionTransformer<BackpropMlpModelParameters> Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.CheckAtModel(Header);
        (string? featureColumn, BackpropMlpModelParameters model) = ModelPayload.Read(ctx, ModelPayload.TransformerVersion);

        // Version 1 kept no training schema: the feature column's type is all the transformer needs from one.
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(featureColumn!, new VectorDataViewType(NumberDataViewType.Single, model.InputCount));
        return new BinaryPredictionTransformer<BackpropMlpModelParameters>(env, model, schema.ToSchema(), featureColumn);
    }
}
