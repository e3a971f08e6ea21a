using Backprop.MLNet.Network;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.MLNet.Scoring;

/// <summary>
/// The lazy result of <c>Transform</c>: the input's columns plus Score, Probability and
/// PredictedLabel, computed only when a cursor asks for them.
/// </summary>
internal sealed class ScoredDataView : IDataView
{
    private readonly IDataView input;
    private readonly NetworkParameters<float> network;
    private readonly DataViewSchema.Column featureColumn;

    /// <summary>Wraps <paramref name="input"/>, whose feature column has been checked.</summary>
    public ScoredDataView(IDataView input, NetworkParameters<float> network, DataViewSchema.Column featureColumn)
    {
        this.input = input;
        this.network = network;
        this.featureColumn = featureColumn;
        Schema = ScoreSchema.Extend(input.Schema);
    }

    /// <inheritdoc/>
    public bool CanShuffle => input.CanShuffle;

    /// <inheritdoc/>
    public DataViewSchema Schema { get; }

    /// <inheritdoc/>
    public long? GetRowCount() => input.GetRowCount();

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        int inputCount = input.Schema.Count;
        var needed = columnsNeeded.ToList();
        bool[] scoreActive = new bool[3];
        var inputColumns = new List<DataViewSchema.Column>();
        foreach (DataViewSchema.Column column in needed)
        {
            if (column.Index >= inputCount)
            {
                scoreActive[column.Index - inputCount] = true;
            }
            else
            {
                inputColumns.Add(input.Schema[column.Index]);
            }
        }

        bool scoring = scoreActive.Any(a => a);
        bool blockwise = scoring && rand is null;
        if (scoring && !blockwise && !inputColumns.Contains(featureColumn))
        {
            inputColumns.Add(featureColumn);
        }

        DataViewRowCursor main = input.GetRowCursor(inputColumns, rand);
        DataViewRowCursor? ahead = blockwise ? input.GetRowCursor([featureColumn]) : null;
        var scorer = new BlockScorer(network, featureColumn.Name, blockwise ? BlockScorer.BlockRows : 1);
        return new ScoringCursor(main, ahead, Schema, featureColumn, scorer, scoreActive);
    }

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
