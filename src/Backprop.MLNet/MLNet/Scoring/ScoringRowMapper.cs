using Backprop.MLNet.Network;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.MLNet.Scoring;

/// <summary>Maps one input row to the same row plus the score columns (used by <c>PredictionEngine</c>).</summary>
internal sealed class ScoringRowMapper : IRowToRowMapper
{
    private readonly NetworkParameters<float> network;
    private readonly DataViewSchema.Column featureColumn;

    /// <summary>Creates the mapper for an input schema whose feature column has been checked.</summary>
    public ScoringRowMapper(DataViewSchema inputSchema, NetworkParameters<float> network, DataViewSchema.Column featureColumn)
    {
        InputSchema = inputSchema;
        OutputSchema = ScoreSchema.Extend(inputSchema);
        this.network = network;
        this.featureColumn = featureColumn;
    }

    /// <inheritdoc/>
    public DataViewSchema InputSchema { get; }

    /// <inheritdoc/>
    public DataViewSchema OutputSchema { get; }

    /// <inheritdoc/>
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        int inputCount = InputSchema.Count;
        var needed = new List<DataViewSchema.Column>();
        bool scoring = false;
        foreach (DataViewSchema.Column column in dependingColumns)
        {
            if (column.Index >= inputCount)
            {
                scoring = true;
            }
            else
            {
                needed.Add(InputSchema[column.Index]);
            }
        }

        if (scoring && !needed.Contains(featureColumn))
        {
            needed.Add(featureColumn);
        }

        return needed;
    }

    /// <inheritdoc/>
    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        int inputCount = InputSchema.Count;
        bool[] scoreActive = new bool[3];
        foreach (DataViewSchema.Column column in activeColumns)
        {
            if (column.Index >= inputCount)
            {
                scoreActive[column.Index - inputCount] = true;
            }
        }

        return new ScoredRow(input, OutputSchema, featureColumn, new BlockScorer(network, featureColumn.Name, 1), scoreActive);
    }
}
