using System.Runtime.ExceptionServices;
using Backprop.MLNet.Integration.Persistence;
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
    /// <exception cref="FormatException">
    /// The file's contents cannot be loaded: it is damaged or truncated (at the zip level, in ML.NET's entries or in a
    /// BackpropMlp), holds a BackpropMlp in a newer format, or names a component no loaded assembly provides; the message
    /// says which, and the file's path.
    /// </exception>
    /// <exception cref="InvalidOperationException">The file holds a BackpropMlp but Backprop.MLNet.dll cannot be loaded (the package is not referenced).</exception>
    /// <exception cref="IOException">The file cannot be opened (it does not exist, or cannot be read); as <see cref="File.OpenRead"/> reports it.</exception>
    public static ITransformer LoadWithDiagnostics(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(filePath);

        // Opened here, as Model.Load(path) does, so that only errors of the contents are translated below.
        using FileStream stream = File.OpenRead(filePath);
        return Load(catalog, stream, filePath, out inputSchema);
    }

    /// <summary>Loads a model from a stream like <see cref="ModelOperationsCatalog.Load(Stream, out DataViewSchema)"/>.</summary>
    /// <param name="catalog">The context's model operations.</param>
    /// <param name="stream">The model's bytes.</param>
    /// <param name="inputSchema">The input schema saved with the model.</param>
    /// <exception cref="FormatException">The model's bytes cannot be loaded; see <see cref="LoadWithDiagnostics(ModelOperationsCatalog, string, out DataViewSchema)"/>.</exception>
    /// <exception cref="InvalidOperationException">The model holds a BackpropMlp but Backprop.MLNet.dll cannot be loaded.</exception>
    public static ITransformer LoadWithDiagnostics(this ModelOperationsCatalog catalog, Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        return Load(catalog, stream, "the model stream", out inputSchema);
    }

    private static ITransformer Load(ModelOperationsCatalog catalog, Stream stream, string source, out DataViewSchema inputSchema)
    {
        try
        {
            return catalog.Load(stream, out inputSchema);
        }
        catch (Exception e) when (ModelLoadErrors.Translate(e, source) is Exception clear)
        {
            ExceptionDispatchInfo.Throw(clear);
            throw; // unreachable
        }
    }
}
