using Backprop.MLNet.Network;
using Backprop.MLNet.Training;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Data;

/// <summary>
/// Collects feature rows as a cursor delivers them (<see cref="VBuffer{T}"/>, dense or sparse): dense
/// when the first row is dense, compressed rows when it is sparse (dense rows are then stored without
/// their zeros), so sparse features are never densified. Used for the whole training set and, cleared
/// between blocks, for scoring blocks of rows.
/// </summary>
/// <param name="columns">Values per row (the feature vector's size).</param>
/// <param name="columnName">The feature column's name, for messages.</param>
/// <param name="rowCountHint">Rows expected, if known, to allocate once.</param>
/// <param name="sparse">Store sparse (true) or dense (false) whatever the first row is; null: as the first row comes.</param>
internal sealed class FeatureRowBuffer(int columns, string columnName, long? rowCountHint = null, bool? sparse = null)
{
    private GrowableArray<float>? dense;
    private GrowableArray<float>? values;
    private GrowableArray<int>? indices;
    private GrowableArray<int>? rowStarts;

    /// <summary>Rows appended since creation or the last <see cref="Clear"/>.</summary>
    public int Rows { get; private set; }

    /// <summary>Forgets the rows but keeps the buffers (and the dense/sparse choice of the first row).</summary>
    public void Clear()
    {
        Rows = 0;
        dense?.Truncate(0);
        values?.Truncate(0);
        indices?.Truncate(0);
        rowStarts?.Truncate(1);
    }

    /// <summary>Appends one row of exactly <c>columns</c> logical values.</summary>
    /// <exception cref="InvalidOperationException">The row has another length (a source that breaks its own schema, such as
    /// arrays of the wrong length in <c>LoadFromEnumerable</c>): appending it would shift every later row.</exception>
    public void Append(in VBuffer<float> row)
    {
        if (row.Length != columns)
        {
            throw new InvalidOperationException(
                $"A row of feature column '{columnName}' has {row.Length} values, but the column's type is Vector<Single, {columns}>: " +
                $"every row must have exactly {columns}. Check the data source (e.g. the arrays given to LoadFromEnumerable).");
        }

        if (dense is null && values is null)
        {
            if (sparse is false || (sparse is null && row.IsDense))
            {
                dense = new GrowableArray<float>(rowCountHint * columns);
            }
            else
            {
                values = new GrowableArray<float>(null);
                indices = new GrowableArray<int>(null);
                rowStarts = new GrowableArray<int>(rowCountHint + 1);
                rowStarts.Add(0);
            }
        }

        Rows++;
        ReadOnlySpan<float> rowValues = row.GetValues();
        if (dense is not null)
        {
            if (row.IsDense)
            {
                dense.AddRange(rowValues); // no zero-filling first: every value is written
                return;
            }

            Span<float> target = dense.AddDefault(columns);
            ReadOnlySpan<int> rowIndices = row.GetIndices();
            for (int k = 0; k < rowValues.Length; k++)
            {
                target[rowIndices[k]] = rowValues[k];
            }

            return;
        }

        if (row.IsDense)
        {
            for (int j = 0; j < rowValues.Length; j++)
            {
                if (rowValues[j] != 0)
                {
                    values!.Add(rowValues[j]);
                    indices!.Add(j);
                }
            }
        }
        else
        {
            values!.AddRange(rowValues);
            indices!.AddRange(row.GetIndices());
        }

        rowStarts!.Add(values!.Count);
    }

    /// <summary>Bytes the buffers hold (their capacity, not just what is used).</summary>
    public long AllocatedBytes =>
        4L * ((dense?.Buffer.LongLength ?? 0) + (values?.Buffer.LongLength ?? 0) + (indices?.Buffer.LongLength ?? 0) + (rowStarts?.Buffer.LongLength ?? 0));

    /// <summary>The rows as a batch for the network (valid until the next append or clear).</summary>
    public InputBatch<float> AsBatch() => dense is not null || Rows == 0
        ? InputBatch<float>.FromDense(dense is null ? default : dense.Buffer.AsSpan(0, Rows * columns), Rows, columns)
        : InputBatch<float>.FromSparse(values!.Buffer.AsSpan(0, values.Count), indices!.Buffer.AsSpan(0, indices.Count), rowStarts!.Buffer.AsSpan(0, Rows + 1), columns);

    /// <summary>
    /// The rows as a training set over these buffers (valid until the next append or clear); a sparse matrix more than
    /// half full becomes dense (smaller and faster) unless <paramref name="keepStorage"/>.
    /// </summary>
    public TrainingSet<float> ToTrainingSet(float[] labels, float[]? weights, bool keepStorage = false)
    {
        if (dense is not null || (values is null && sparse is not true))
        {
            return TrainingSet<float>.FromDense(dense?.Buffer ?? [], Rows, columns, labels, weights);
        }

        int nonZeros = values!.Count;
        if (!keepStorage && nonZeros > 0.5 * Rows * (double)columns && (long)Rows * columns <= Array.MaxLength)
        {
            float[] full = new float[Rows * columns];
            for (int i = 0; i < Rows; i++)
            {
                for (int p = rowStarts!.Buffer[i]; p < rowStarts.Buffer[i + 1]; p++)
                {
                    full[i * columns + indices!.Buffer[p]] = values.Buffer[p];
                }
            }

            return TrainingSet<float>.FromDense(full, Rows, columns, labels, weights);
        }

        return TrainingSet<float>.FromSparse(values.Buffer, indices!.Buffer, rowStarts!.Buffer, columns, labels, weights, Rows);
    }
}
