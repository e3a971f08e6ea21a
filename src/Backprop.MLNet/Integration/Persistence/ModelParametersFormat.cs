using Microsoft.ML;

namespace Backprop.MLNet.Integration.Persistence;

/// <summary>
/// The entry <c>BackpropMlpModelParameters</c> writes into an ML.NET model file. ML.NET's
/// <c>BinaryPredictionTransformer</c> saves its model under its own entry (with the training schema, feature column and
/// threshold) and calls <see cref="Save"/>; <c>Model.Load</c> finds <see cref="Load"/> through the LoadableClass
/// attribute with <see cref="LoaderSignature"/>. The payload itself is <see cref="ModelPayload"/>.
/// </summary>
internal static class ModelParametersFormat
{
    /// <summary>The name ML.NET finds our loader by (1–24 ASCII characters).</summary>
    public const string LoaderSignature = "BackpropMlpModel";

    /// <summary>
    /// ML.NET's header of the entry: our model kind and header versions (kept at 1; the payload carries its own
    /// version). The loader assembly is the simple name, so any later version of the package can load the file.
    /// </summary>
    public static VersionInfo Header => new(
        modelSignature: "BPMLPMDL",
        verWrittenCur: 0x00010001,
        verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001,
        loaderAssemblyName: typeof(ModelParametersFormat).Assembly.GetName().Name,
        loaderSignature: LoaderSignature);

    /// <summary>Writes <paramref name="model"/> into the entry ML.NET is saving.</summary>
    public static void Save(ModelSaveContext ctx, BackpropMlpModelParameters model)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.CheckAtModel();
        ctx.SetVersionInfo(Header);
        ModelPayload.Write(ctx.Writer, model);
    }

    /// <summary>Reads the model from the entry ML.NET is loading.</summary>
    public static BackpropMlpModelParameters Load(ModelLoadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.CheckAtModel(Header);
        return ModelPayload.Read(ctx, ModelPayload.CurrentFormatVersion).Model;
    }
}
