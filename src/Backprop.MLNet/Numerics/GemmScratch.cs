using System.Numerics;

namespace Backprop.MLNet.Numerics;

/// <summary>Per-thread scratch vectors of the portable GEMM paths; they only grow, so calls allocate nothing once warm.</summary>
/// <typeparam name="T">Element type.</typeparam>
internal static class GemmScratch<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static T[]? first;

    [ThreadStatic]
    private static T[]? second;

    /// <summary>The calling thread's first scratch vector, at least <paramref name="length"/> long (contents undefined).</summary>
    public static Span<T> First(int length) => Grow(ref first, length);

    /// <summary>The calling thread's second scratch vector, distinct from <see cref="First"/>.</summary>
    public static Span<T> Second(int length) => Grow(ref second, length);

    private static Span<T> Grow(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = GC.AllocateUninitializedArray<T>(Math.Max(length, 64));
        }

        return buffer.AsSpan(0, length);
    }
}
