using System.Reflection;

namespace Backprop.MLNet.Integration.Persistence;

/// <summary>
/// Turns what <c>mlContext.Model.Load</c> throws for a bad file into one exception whose message says what is wrong.
/// ML.NET calls loaders through reflection, so our loader's clear error reaches the caller wrapped in
/// <see cref="TargetInvocationException"/>s, and ML.NET's own components and the zip reader fail on damaged bytes
/// with whatever they happen to throw (<see cref="InvalidDataException"/>, <see cref="EndOfStreamException"/>,
/// argument or invalid-operation errors, a malformed assembly name, …).
/// </summary>
/// <remarks>
/// Only errors of the file's contents are translated (into <see cref="ModelFileException"/>, a
/// <see cref="FormatException"/>): the caller opens the file itself, so an error opening it is never seen here. A
/// missing Backprop.MLNet.dll stays an <see cref="InvalidOperationException"/> (nothing is wrong with the file), and
/// errors of the machine (out of memory, a full disk while ML.NET extracts the entries, cancellation) pass unchanged.
/// </remarks>
internal static class ModelLoadErrors
{
    /// <summary>The message of a <see cref="FormatException"/> made without one (in this runtime's language).</summary>
    private static readonly string DefaultFormatMessage = new FormatException().Message;

    /// <summary>The exception to throw instead of <paramref name="error"/>, or null to rethrow it as it is.</summary>
    /// <param name="error">What <c>Model.Load</c> threw.</param>
    /// <param name="source">The file's path (or "the model stream"), for the message.</param>
    public static Exception? Translate(Exception error, string source)
    {
        ArgumentNullException.ThrowIfNull(error);

        // The most specific explanation wins wherever it is in the chain: our own loader's error first, then a missing
        // Backprop.MLNet.dll, a damaged zip archive, and so on (ML.NET often wraps the telling exception in a vaguer one).
        if (Find<ModelFileException>(error, _ => true) is { } ours)
        {
            return new ModelFileException($"Cannot load '{source}': {ours.Message}", ours);
        }

        if (Find<FileNotFoundException>(error, e => e.FileName?.StartsWith("Backprop.MLNet", StringComparison.Ordinal) == true) is { } missing)
        {
            return new InvalidOperationException(
                $"Cannot load '{source}': it contains a BackpropMlp, but Backprop.MLNet.dll could not be loaded ({missing.Message}). Reference the Backprop.MLNet package.", error);
        }

        if (Find<InvalidDataException>(error, _ => true) is { } zip)
        {
            return new ModelFileException($"Cannot load '{source}': it is not a readable ML.NET model file (a truncated or corrupted zip archive: {zip.Message}).", error);
        }

        if (Find<FormatException>(error, e => e.Message.StartsWith("Couldn't load model:", StringComparison.Ordinal)) is { } noLoader)
        {
            return new ModelFileException(
                $"Cannot load '{source}': ML.NET found no loader for one of its components ({noLoader.Message}). The file is damaged, or, if the model " +
                "contains a BackpropMlp, the application must reference the Backprop.MLNet package so that Backprop.MLNet.dll is beside it.", error);
        }

        // ML.NET's header checks throw a FormatException with the default message. Stack traces cannot tell where it came
        // from reliably (the JIT inlines ML.NET's header methods once they are hot), so the message decides.
        if (Find<FormatException>(error, e => e.Message == DefaultFormatMessage) is { } header)
        {
            return new ModelFileException($"Cannot load '{source}': one of its model entries is damaged or truncated (ML.NET could not read its header or data: \"{header.Message}\").", error);
        }

        if (Find<FormatException>(error, e => e.Message == "Corrupt model file") is { } corrupt)
        {
            return new ModelFileException(
                $"Cannot load '{source}': one of its components' model entries is missing or damaged (ML.NET: \"{corrupt.Message}\"). Save the model again.", error);
        }

        if (Find<EndOfStreamException>(error, _ => true) is not null)
        {
            return new ModelFileException($"Cannot load '{source}': one of its entries ends before its data does; the file is truncated or damaged.", error);
        }

        if (Find<Exception>(error, e => e is FileLoadException or BadImageFormatException
            || (e is FileNotFoundException { FileName: { } name } && !Path.IsPathRooted(name))) is { } assembly)
        {
            return new ModelFileException(
                $"Cannot load '{source}': it names an assembly that could not be loaded ({assembly.Message}). The file is damaged, or the application " +
                "does not reference the package that provides one of its components.", error);
        }

        if (Find<FormatException>(error, _ => true) is { } format)
        {
            return new ModelFileException($"Cannot load '{source}': one of its components' entries is damaged (ML.NET: \"{format.Message}\").", error);
        }

        // An ML.NET component that fails on inconsistent contents (a schema whose column is missing or of another type, a
        // version it cannot read, a string length its BinaryReader rejects): the file is damaged or inconsistent.
        Exception innermost = error;
        while (innermost is TargetInvocationException { InnerException: { } inner })
        {
            innermost = inner;
        }

        bool contentError = innermost is ArgumentException or InvalidOperationException or InvalidCastException or IndexOutOfRangeException
            or KeyNotFoundException or NullReferenceException or OverflowException or NotSupportedException
            || (innermost is IOException && innermost.StackTrace?.Contains("System.IO.BinaryReader", StringComparison.Ordinal) == true);
        if (contentError && innermost is not OperationCanceledException and not ObjectDisposedException)
        {
            return new ModelFileException(
                $"Cannot load '{source}': ML.NET could not load one of its components from it ({innermost.GetType().Name}: {innermost.Message}); the file is damaged or inconsistent.",
                error);
        }

        return null;
    }

    /// <summary>The outermost exception of type <typeparamref name="T"/> in <paramref name="error"/>'s chain that satisfies <paramref name="test"/>.</summary>
    private static T? Find<T>(Exception error, Func<T, bool> test)
        where T : Exception
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is T match && test(match))
            {
                return match;
            }
        }

        return null;
    }
}
