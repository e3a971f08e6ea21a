namespace Backprop.MLNet.Network;

/// <summary>
/// The distinct feature indices a sparse batch uses: the only rows of <c>∂W1 = xᵀ·δu1</c> that can be
/// non-zero. Tracking them lets a plain SGD step touch those rows alone, so a sparse batch costs in
/// proportion to its non-zeros, not to the feature count.
/// </summary>
internal sealed class TouchedRows(int featureCount)
{
    private readonly int[] lastSeen = Enumerable.Repeat(-1, featureCount).ToArray();
    private readonly int[] rows = new int[featureCount];
    private int batch = -1;

    /// <summary>Number of distinct rows of the last batch.</summary>
    public int Count { get; private set; }

    /// <summary>The distinct rows of the last batch, in first-seen order.</summary>
    public ReadOnlySpan<int> Rows => rows.AsSpan(0, Count);

    /// <summary>Records the distinct indices of a new batch.</summary>
    public void Collect(ReadOnlySpan<int> indices)
    {
        batch++;
        Count = 0;
        foreach (int index in indices)
        {
            if (lastSeen[index] != batch)
            {
                lastSeen[index] = batch;
                rows[Count++] = index;
            }
        }
    }
}
