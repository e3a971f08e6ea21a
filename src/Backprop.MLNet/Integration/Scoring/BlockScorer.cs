using Backprop.MLNet.Integration.Data;
using Backprop.MLNet.Network;
using Backprop.MLNet.Numerics;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Scoring;

/// <summary>
/// Computes logits for blocks of rows with the network's batched forward pass (matrix products instead
/// of one row at a time). One instance per cursor: it owns its buffers, so cursors can run on
/// different threads.
/// </summary>
internal sealed class BlockScorer
{
    /// <summary>Rows per block.</summary>
    public const int BlockRows = 256;

    private readonly NetworkParameters<float> network;
    private readonly FeatureRowBuffer rows;
    private readonly Workspace<float> workspace;
    private readonly bool[] rowHasNaN;

    /// <summary>Most values one layer of a block may hold (2²⁶ floats, 256 MB): very wide layers score fewer rows per block.</summary>
    private const int MaxBlockValues = 1 << 26;

    /// <summary>Creates a scorer with its own buffers.</summary>
    /// <param name="network">The trained network.</param>
    /// <param name="featureColumnName">The feature column's name, for messages.</param>
    /// <param name="blockRows">Rows per block wanted (fewer when the network's layers are very wide).</param>
    public BlockScorer(NetworkParameters<float> network, string featureColumnName, int blockRows = BlockRows)
    {
        this.network = network;
        int widest = Math.Max(network.Layout.InputCount, network.Layout.HiddenSizes.Max());
        blockRows = Math.Clamp(MaxBlockValues / widest, 1, blockRows);
        rows = new FeatureRowBuffer(network.Layout.InputCount, featureColumnName, blockRows);
        workspace = new Workspace<float>(network.Layout, blockRows);
        rowHasNaN = new bool[blockRows];
        Capacity = blockRows;
    }

    /// <summary>Largest block.</summary>
    public int Capacity { get; }

    /// <summary>Rows in the current block.</summary>
    public int Count => rows.Rows;

    /// <summary>Starts a new block.</summary>
    public void Clear() => rows.Clear();

    /// <summary>Adds a row to the block. A row with a NaN or infinite value scores NaN.</summary>
    public void Append(in VBuffer<float> features)
    {
        rowHasNaN[rows.Rows] = FiniteValues.IndexOfNonFinite(features.GetValues()) >= 0;
        rows.Append(features);
    }

    /// <summary>Computes the logits <c>u3</c> of the block's rows into <paramref name="logits"/>.</summary>
    public void ComputeLogits(Span<float> logits)
    {
        int n = rows.Rows;
        if (n == 0)
        {
            return;
        }

        // Large blocks share their matrix products with the other cores (the kernel decides when that pays, computes
        // alone when its workers are busy with another cursor, and gives the same bits either way).
        Backpropagation.Forward(network, rows.AsBatch(), workspace, Environment.ProcessorCount);
        workspace.U3(n).CopyTo(logits);
        for (int i = 0; i < n; i++)
        {
            if (rowHasNaN[i])
            {
                logits[i] = float.NaN;
            }
        }
    }
}
