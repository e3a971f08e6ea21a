namespace Backprop.MLNet.MLNet.Persistence;

/// <summary>A BackpropMlp entry of a model file that cannot be read: damaged, truncated, or from a newer format.</summary>
internal sealed class ModelFileException(string message, Exception? inner = null) : FormatException(message, inner);
