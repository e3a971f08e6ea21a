namespace Backprop.MLNet.Integration.Data;

/// <summary>An append-only array that doubles when full and hands out its buffer without a final copy.</summary>
internal sealed class GrowableArray<T>(long? capacityHint)
{
    private T[] buffer = new T[Math.Clamp(capacityHint ?? 1024, 16, Array.MaxLength)];

    /// <summary>Items appended so far.</summary>
    public int Count { get; private set; }

    /// <summary>The underlying buffer (at least <see cref="Count"/> long).</summary>
    public T[] Buffer => buffer;

    /// <summary>Forgets all but the first <paramref name="count"/> items, keeping the buffer.</summary>
    public void Truncate(int count) => Count = Math.Min(Count, count);

    /// <summary>Appends one item.</summary>
    public void Add(T item)
    {
        EnsureCapacity(Count + 1L);
        buffer[Count++] = item;
    }

    /// <summary>Appends a run of items.</summary>
    public void AddRange(ReadOnlySpan<T> items)
    {
        EnsureCapacity((long)Count + items.Length);
        items.CopyTo(buffer.AsSpan(Count));
        Count += items.Length;
    }

    /// <summary>Appends <paramref name="count"/> default items and returns them for writing.</summary>
    public Span<T> AddDefault(int count)
    {
        EnsureCapacity((long)Count + count);
        Span<T> span = buffer.AsSpan(Count, count);
        span.Clear();
        Count += count;
        return span;
    }

    private void EnsureCapacity(long needed)
    {
        if (needed <= buffer.Length)
        {
            return;
        }

        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException($"The data needs {needed} values in one array, more than .NET allows ({Array.MaxLength}).");
        }

        Array.Resize(ref buffer, (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * buffer.Length)));
    }
}
