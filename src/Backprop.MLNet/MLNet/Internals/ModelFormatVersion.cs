namespace Backprop.MLNet.MLNet.Internals;

/// <summary>What goes into ML.NET's version header of a model entry.</summary>
/// <param name="ModelSignature">Exactly 8 ASCII characters identifying the kind of model.</param>
/// <param name="WrittenVersion">Header version this code writes.</param>
/// <param name="ReadableVersion">Oldest header version that can read what this code writes.</param>
/// <param name="OldestReadableVersion">Oldest header version this code can read.</param>
/// <param name="LoaderSignature">1–24 ASCII characters; the name ML.NET looks the loader up by.</param>
internal readonly record struct ModelFormatVersion(string ModelSignature, uint WrittenVersion, uint ReadableVersion, uint OldestReadableVersion, string LoaderSignature);
