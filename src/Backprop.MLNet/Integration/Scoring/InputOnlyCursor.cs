using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Scoring;

/// <summary>A cursor over the scored view when no score column is requested: the input's rows, nothing computed.</summary>
internal sealed class InputOnlyCursor(DataViewRowCursor input, DataViewSchema outputSchema) : DataViewRowCursor
{
    private readonly ScoreColumnAccess access = new(outputSchema, new bool[3], threshold: 0);

    /// <inheritdoc/>
    public override DataViewSchema Schema => outputSchema;

    /// <inheritdoc/>
    public override long Position => input.Position;

    /// <inheritdoc/>
    public override long Batch => input.Batch;

    /// <inheritdoc/>
    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    /// <inheritdoc/>
    public override bool IsColumnActive(DataViewSchema.Column column) => access.IsColumnActive(input, column);

    /// <inheritdoc/>
    public override bool MoveNext() => input.MoveNext();

    /// <inheritdoc/>
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
        access.GetGetter<TValue>(input, column, () => throw new InvalidOperationException("No score column is active."));

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.Dispose();
        }

        base.Dispose(disposing);
    }
}
