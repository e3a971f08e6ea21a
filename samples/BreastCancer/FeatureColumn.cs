namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>One numeric feature: its column name in the data view and its 0-based index in the file.</summary>
/// <param name="Name">Name of the loaded column.</param>
/// <param name="Index">0-based column index in the file.</param>
public sealed record FeatureColumn(string Name, int Index);
