namespace Backprop.MLNet.Integration.Persistence;

/// <summary>
/// A model file that cannot be loaded because of its contents: damaged, truncated, hostile, from a newer format, or naming
/// a component that no loaded assembly provides. The message says which; callers see a <see cref="FormatException"/>.
/// </summary>
internal sealed class ModelFileException(string message, Exception? inner = null) : FormatException(message, inner);
