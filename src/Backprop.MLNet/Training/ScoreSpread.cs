namespace Backprop.MLNet.Training;

/// <summary>
/// How much a network's scores vary over a set of rows: the span of the logits, and the largest share of rows that get
/// exactly one score. Saturated units give many rows the very same float; a network that has hardly learned gives every
/// row a slightly different one.
/// </summary>
/// <param name="Span">The largest logit minus the smallest (0 when every row scores the same).</param>
/// <param name="LargestTiedShare">The share of rows (0 to 1) whose logit equals the most common one (among the first few distinct values seen).</param>
internal readonly record struct ScoreSpread(double Span, double LargestTiedShare);
