using System.Reflection;

namespace Backprop.MLNet.MLNet.Persistence;

/// <summary>
/// Turns what <c>mlContext.Model.Load</c> throws for a bad file into one exception whose message says
/// what is wrong. ML.NET calls loaders through reflection, so our loader's clear error reaches the caller
/// wrapped in <see cref="TargetInvocationException"/>s, and an unregistered loader surfaces as
/// "Error during class instantiation".
/// </summary>
internal static class ModelLoadErrors
{
    /// <summary>The exception to throw instead of <paramref name="error"/>, or null to rethrow it as it is.</summary>
    public static Exception? Translate(Exception error, string source)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is ModelFileException)
            {
                return new ModelFileException($"Cannot load '{source}': {e.Message}", e);
            }

            if (e is FormatException && e.Message.StartsWith("Couldn't load model:", StringComparison.Ordinal))
            {
                return new InvalidOperationException(
                    $"Cannot load '{source}': ML.NET found no loader for one of its components ({e.Message}). If the model contains a " +
                    "BackpropMlp, the application must reference the Backprop.MLNet package so that Backprop.MLNet.dll is beside it.", error);
            }

            if (e is FileNotFoundException missing && missing.FileName?.StartsWith("Backprop.MLNet", StringComparison.Ordinal) == true)
            {
                return new InvalidOperationException(
                    $"Cannot load '{source}': it contains a BackpropMlp, but Backprop.MLNet.dll could not be loaded ({missing.Message}). Reference the Backprop.MLNet package.", error);
            }

            if (e is FormatException && e.StackTrace?.Contains("ModelHeader", StringComparison.Ordinal) == true)
            {
                return new ModelFileException($"Cannot load '{source}': one of its model entries is damaged or truncated (ML.NET could not read its header: {e.Message}).", error);
            }

            if (e is FormatException && e.Message == "Corrupt model file" && e.StackTrace?.Contains("ModelLoadContext", StringComparison.Ordinal) == true)
            {
                return new ModelFileException(
                    $"Cannot load '{source}': one of its components' model entries is missing or damaged (ML.NET: \"{e.Message}\"). Save the model again.", error);
            }

            if (e is InvalidDataException && error is FormatException)
            {
                return new ModelFileException($"Cannot load '{source}': it is not a readable ML.NET model file (a truncated or corrupted zip archive: {e.Message}).", error);
            }
        }

        return null;
    }
}
