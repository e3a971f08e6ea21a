using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Integration.Scoring;

/// <summary>
/// The values of one input column for a block of rows read ahead from a cursor, so that the scoring cursor can
/// score the block at once and still hand out each row's input values afterwards. Values are stored as ML.NET's
/// own cache stores them: vectors copied into buffers owned by each slot, everything else by assignment.
/// </summary>
internal abstract class ColumnBlock
{
    /// <summary>A block for <paramref name="column"/> of <paramref name="cursor"/> (which must be active), with <paramref name="capacity"/> slots.</summary>
    public static ColumnBlock Create(DataViewRowCursor cursor, DataViewSchema.Column column, int capacity)
    {
        Type blockType = column.Type is VectorDataViewType vector
            ? typeof(VectorBlock<>).MakeGenericType(vector.ItemType.RawType)
            : typeof(ValueBlock<>).MakeGenericType(column.Type.RawType);
        return (ColumnBlock)Activator.CreateInstance(blockType, cursor, column, capacity)!;
    }

    /// <summary>Reads the cursor's current value into <paramref name="slot"/>.</summary>
    public abstract void Load(int slot);

    /// <summary>A getter that hands out the value in the slot <paramref name="currentSlot"/> returns.</summary>
    public abstract Delegate Getter(Func<int> currentSlot);

    /// <summary>Plain values (numbers, booleans, text, keys, dates): stored and handed out by assignment.</summary>
    private sealed class ValueBlock<T>(DataViewRowCursor cursor, DataViewSchema.Column column, int capacity) : ColumnBlock
    {
        private readonly ValueGetter<T> source = cursor.GetGetter<T>(column);
        private readonly T[] values = new T[capacity];

        public override void Load(int slot) => source(ref values[slot]);

        public override Delegate Getter(Func<int> currentSlot) => (ValueGetter<T>)((ref T value) => value = values[currentSlot()]);
    }

    /// <summary>Vectors: each slot keeps its own buffers; a reader gets a copy in its own buffers, as from any cursor.</summary>
    private sealed class VectorBlock<T>(DataViewRowCursor cursor, DataViewSchema.Column column, int capacity) : ColumnBlock
    {
        private readonly ValueGetter<VBuffer<T>> source = cursor.GetGetter<VBuffer<T>>(column);
        private readonly VBuffer<T>[] values = new VBuffer<T>[capacity];

        /// <summary>The vector in <paramref name="slot"/>, without a copy.</summary>
        public ref readonly VBuffer<T> At(int slot) => ref values[slot];

        public override void Load(int slot) => source(ref values[slot]);

        public override Delegate Getter(Func<int> currentSlot) => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => values[currentSlot()].CopyTo(ref value));
    }

    /// <summary>The feature vectors of <paramref name="block"/>, if it holds a Single vector column (to score them without reading the column twice).</summary>
    public static Func<int, VBuffer<float>>? FeatureReader(ColumnBlock block) =>
        block is VectorBlock<float> vectors ? slot => vectors.At(slot) : null;
}
