using System.Runtime.ExceptionServices;
using Backprop.MLNet.MLNet.Persistence;
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>
/// <c>mlContext.Model.LoadWithDiagnostics(...)</c>: <c>Model.Load</c> with errors that say what is wrong.
/// Plain <c>mlContext.Model.Load</c> loads BackpropMlp pipelines too (no registration needed); this only
/// changes what a damaged, truncated or too-new file raises.
/// </summary>
public static class BackpropMlpModelOperations
{
    /// <summary>Loads a model file like <see cref="ModelOperationsCatalog.Load(string, out DataViewSchema)"/>.</summary>
    /// <param name="catalog">The context's model operations.</param>
    /// <param name="filePath">The model file.</param>
    /// <param name="inputSchema">The input schema saved with the model.</param>
    /// <exception cref="FormatException">The file is damaged, truncated, or holds a BackpropMlp in a newer format; the message says which.</exception>
    /// <exception cref="InvalidOperationException">A component's loader is missing (e.g. Backprop.MLNet is not referenced).</exception>
    public static ITransformer LoadWithDiagnostics(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        try
        {
            return catalog.Load(filePath, out inputSchema);
        }
        catch (Exception e) when (ModelLoadErrors.Translate(e, filePath) is Exception clear)
        {
            ExceptionDispatchInfo.Throw(clear);
            throw; // unreachable
        }
    }

    /// <summary>Loads a model from a stream like <see cref="ModelOperationsCatalog.Load(Stream, out DataViewSchema)"/>.</summary>
    /// <param name="catalog">The context's model operations.</param>
    /// <param name="stream">The model's bytes.</param>
    /// <param name="inputSchema">The input schema saved with the model.</param>
    public static ITransformer LoadWithDiagnostics(this ModelOperationsCatalog catalog, Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        try
        {
            return catalog.Load(stream, out inputSchema);
        }
        catch (Exception e) when (ModelLoadErrors.Translate(e, "the model stream") is Exception clear)
        {
            ExceptionDispatchInfo.Throw(clear);
            throw; // unreachable
        }
    }
}
