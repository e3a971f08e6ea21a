using System.Numerics;
using Backprop.MLNet.Network;

namespace Backprop.MLNet.Training;

/// <summary>
/// Where the training loop gets its mini-batches: a pass over a set of rows, a batch at a time, features scaled as the
/// batch is gathered. Two kinds exist: rows held in memory (<see cref="InMemoryBatches{T}"/>) and rows streamed from
/// their source on every pass (the ML.NET layer's, when the rows do not fit in memory). The loop never sees where rows
/// come from.
/// </summary>
internal interface IBatchSource<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Number of features.</summary>
    int Columns { get; }

    /// <summary>Whether the features are sparse (compressed rows).</summary>
    bool IsSparse { get; }

    /// <summary>Largest batch a pass hands out.</summary>
    int MaxBatchRows { get; }

    /// <summary>Cores the source keeps busy while its batches are used (a reader working ahead); the products leave them free.</summary>
    int BackgroundThreads { get; }

    /// <summary>Gathers the features' statistics in one pass over the rows (weighted by their example weights).</summary>
    FeatureStatistics ComputeStatistics();

    /// <summary>Scales every batch's features from now on (null: as they are).</summary>
    void UseScaling(FeatureScaling<T>? scaling);

    /// <summary>Starts a pass over the rows: in a new random order when <paramref name="shuffle"/> is given, else in their order.</summary>
    void BeginPass(DeterministicRandom? shuffle);

    /// <summary>Moves to the pass's next batch; false when the pass is over.</summary>
    bool NextBatch();

    /// <summary>The current batch's features.</summary>
    InputBatch<T> Features { get; }

    /// <summary>The current batch's labels (0 or 1).</summary>
    ReadOnlySpan<T> Labels { get; }

    /// <summary>The current batch's example weights (empty when the rows have none).</summary>
    ReadOnlySpan<T> Weights { get; }
}
