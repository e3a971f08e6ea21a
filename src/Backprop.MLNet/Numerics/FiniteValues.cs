using System.Numerics;

namespace Backprop.MLNet.Numerics;

/// <summary>Finding NaN and infinite values in a span, a vector at a time (every feature is checked on reading and scoring).</summary>
internal static class FiniteValues
{
    /// <summary>The index of the first NaN or infinite value in <paramref name="values"/>, or −1 if all are finite.</summary>
    public static int IndexOfNonFinite<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                // v − v is 0 for a finite v and NaN for NaN or ±∞.
                var v = new Vector<T>(values.Slice(i));
                if (!Vector.EqualsAll(v - v, Vector<T>.Zero))
                {
                    break; // the scalar loop finds which one
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
