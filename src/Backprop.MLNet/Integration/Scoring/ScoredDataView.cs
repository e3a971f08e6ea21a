using Backprop.MLNet.Network;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Scoring;

/// <summary>
/// The lazy result of <c>TransformInBlocks</c>: the input's columns plus PredictedLabel, Score and Probability,
/// computed only when a cursor asks for them, a block of rows at a time.
/// </summary>
internal sealed class ScoredDataView : IDataView
{
    private readonly IDataView input;
    private readonly NetworkParameters<float> network;
    private readonly DataViewSchema.Column featureColumn;
    private readonly float threshold;

    /// <summary>Wraps <paramref name="input"/>, whose feature column has been checked; PredictedLabel is Score &gt; <paramref name="threshold"/>.</summary>
    public ScoredDataView(IDataView input, NetworkParameters<float> network, DataViewSchema.Column featureColumn, float threshold)
    {
        this.input = input;
        this.network = network;
        this.featureColumn = featureColumn;
        this.threshold = threshold;
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
        var (inputColumns, scoreActive) = Split(columnsNeeded);
        return Wrap(input.GetRowCursor(WithFeatures(inputColumns, scoreActive), rand), inputColumns, scoreActive);
    }

    /// <inheritdoc/>
    /// <remarks>The input's own cursor set, each cursor scoring its rows in blocks (so consumers can work in parallel).</remarks>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var (inputColumns, scoreActive) = Split(columnsNeeded);
        return input.GetRowCursorSet(WithFeatures(inputColumns, scoreActive), n, rand)
            .Select(cursor => Wrap(cursor, inputColumns, scoreActive))
            .ToArray();
    }

    /// <summary>The requested input columns, and which score columns are requested.</summary>
    private (List<DataViewSchema.Column> InputColumns, bool[] ScoreActive) Split(IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        int inputCount = input.Schema.Count;
        bool[] scoreActive = new bool[3];
        var inputColumns = new List<DataViewSchema.Column>();
        foreach (DataViewSchema.Column column in columnsNeeded)
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

        return (inputColumns, scoreActive);
    }

    /// <summary>The input columns to activate: the requested ones, plus the features when scores are requested.</summary>
    private List<DataViewSchema.Column> WithFeatures(List<DataViewSchema.Column> inputColumns, bool[] scoreActive) =>
        scoreActive.Any(a => a) && !inputColumns.Contains(featureColumn) ? [.. inputColumns, featureColumn] : inputColumns;

    private DataViewRowCursor Wrap(DataViewRowCursor cursor, List<DataViewSchema.Column> inputColumns, bool[] scoreActive) =>
        scoreActive.Any(a => a)
            ? new ScoringCursor(cursor, inputColumns, Schema, featureColumn, new BlockScorer(network, featureColumn.Name), scoreActive, threshold)
            : new InputOnlyCursor(cursor, Schema);
}
