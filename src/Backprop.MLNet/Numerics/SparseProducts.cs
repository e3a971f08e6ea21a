using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// Products of a compressed-row sparse matrix with dense row-major matrices: cost proportional to the
/// non-zeros times the dense width, never to the sparse matrix's column count.
/// </summary>
/// <remarks>
/// Every output accumulates as <c>c ← v·b + c</c>, a multiply then an add (not fused), one non-zero after another; the
/// float AVX path keeps the output row in registers for widths up to 64, and rounds exactly as the general path does.
/// </remarks>
internal static class SparseProducts
{
    /// <summary>Widest dense row the register-resident path handles (eight 8-float registers).</summary>
    private const int MaxRegisterWidth = 64;

    /// <summary><c>C (rows×n) = S·B</c>, with S sparse rows×k and B dense k×n row-major.</summary>
    public static void Multiply<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> indices, ReadOnlySpan<int> rowStarts, ReadOnlySpan<T> b, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = rowStarts.Length - 1;
        if (typeof(T) == typeof(float) && Avx.IsSupported && n % 8 == 0 && n <= MaxRegisterWidth)
        {
            MultiplyInRegisters(MemoryMarshal.Cast<T, float>(values), indices, rowStarts, MemoryMarshal.Cast<T, float>(b), n, MemoryMarshal.Cast<T, float>(c));
            return;
        }

        for (int i = 0; i < rows; i++)
        {
            Span<T> ci = c.Slice(i * n, n);
            ci.Clear();
            for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++)
            {
                TensorPrimitives.MultiplyAdd(b.Slice(indices[p] * n, n), values[p], ci, ci);
            }
        }
    }

    /// <summary><c>C (k×n) += Sᵀ·D</c>, with S sparse rows×k and D dense rows×n; touches only rows of C that S uses.</summary>
    public static void MultiplyTransposedAccumulate<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> indices, ReadOnlySpan<int> rowStarts, ReadOnlySpan<T> d, int n, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = rowStarts.Length - 1;
        if (typeof(T) == typeof(float) && Avx.IsSupported && n % 8 == 0 && n <= MaxRegisterWidth)
        {
            AccumulateTransposed(MemoryMarshal.Cast<T, float>(values), indices, rowStarts, MemoryMarshal.Cast<T, float>(d), n, MemoryMarshal.Cast<T, float>(c));
            return;
        }

        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<T> di = d.Slice(i * n, n);
            for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++)
            {
                Span<T> cRow = c.Slice(indices[p] * n, n);
                TensorPrimitives.MultiplyAdd(di, values[p], cRow, cRow);
            }
        }
    }

    /// <summary>Each output row stays in up to eight registers while its non-zeros are added in (width a multiple of 8, at most 64).</summary>
    private static void MultiplyInRegisters(ReadOnlySpan<float> values, ReadOnlySpan<int> indices, ReadOnlySpan<int> rowStarts, ReadOnlySpan<float> b, int n, Span<float> c)
    {
        int rows = rowStarts.Length - 1;
        int strips = n / 8;
        CheckOperands(indices, rowStarts, b.Length, n, rows, c.Length, values.Length);
        ref float bStart = ref MemoryMarshal.GetReference(b);
        ref float cStart = ref MemoryMarshal.GetReference(c);
        for (int i = 0; i < rows; i++)
        {
            // Eight named accumulators so the JIT keeps them in registers; the width decides how many are used.
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++)
            {
                var v = Vector256.Create(values[p]);
                ref float r = ref Unsafe.Add(ref bStart, (nint)indices[p] * n);
                s0 = Avx.Add(Avx.Multiply(Vector256.LoadUnsafe(ref r), v), s0);
                if (strips > 1)
                {
                    s1 = Avx.Add(Avx.Multiply(Vector256.LoadUnsafe(ref r, 8), v), s1);
                }

                if (strips > 2)
                {
                    s2 = Avx.Add(Avx.Multiply(Vector256.LoadUnsafe(ref r, 16), v), s2);
                    if (strips > 3)
                    {
                        s3 = Avx.Add(Avx.Multiply(Vector256.LoadUnsafe(ref r, 24), v), s3);
                    }
                }

                if (strips > 4)
                {
                    s4 = Avx.Add(Avx.Multiply(Vector256.LoadUnsafe(ref r, 32), v), s4);
                    if (strips > 5)
                    {
                        s5 = Avx.Add(Avx.Multiply(Vector256.LoadUnsafe(ref r, 40), v), s5);
                    }

                    if (strips > 6)
                    {
                        s6 = Avx.Add(Avx.Multiply(Vector256.LoadUnsafe(ref r, 48), v), s6);
                    }

                    if (strips > 7)
                    {
                        s7 = Avx.Add(Avx.Multiply(Vector256.LoadUnsafe(ref r, 56), v), s7);
                    }
                }
            }

            ref float o = ref Unsafe.Add(ref cStart, (nint)i * n);
            s0.StoreUnsafe(ref o);
            if (strips > 1)
            {
                s1.StoreUnsafe(ref o, 8);
            }

            if (strips > 2)
            {
                s2.StoreUnsafe(ref o, 16);
                if (strips > 3)
                {
                    s3.StoreUnsafe(ref o, 24);
                }
            }

            if (strips > 4)
            {
                s4.StoreUnsafe(ref o, 32);
                if (strips > 5)
                {
                    s5.StoreUnsafe(ref o, 40);
                }

                if (strips > 6)
                {
                    s6.StoreUnsafe(ref o, 48);
                }

                if (strips > 7)
                {
                    s7.StoreUnsafe(ref o, 56);
                }
            }
        }
    }

    /// <summary>For each non-zero, <c>C[index] ← D[row]·v + C[index]</c> (width a multiple of 8, at most 64).</summary>
    private static void AccumulateTransposed(ReadOnlySpan<float> values, ReadOnlySpan<int> indices, ReadOnlySpan<int> rowStarts, ReadOnlySpan<float> d, int n, Span<float> c)
    {
        int rows = rowStarts.Length - 1;
        int strips = n / 8;
        CheckOperands(indices, rowStarts, c.Length, n, rows, d.Length, values.Length);
        ref float dStart = ref MemoryMarshal.GetReference(d);
        ref float cStart = ref MemoryMarshal.GetReference(c);
        for (int i = 0; i < rows; i++)
        {
            ref float dRow = ref Unsafe.Add(ref dStart, (nint)i * n);
            for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++)
            {
                var v = Vector256.Create(values[p]);
                ref float cRow = ref Unsafe.Add(ref cStart, (nint)indices[p] * n);
                for (int s = 0; s < strips; s++)
                {
                    Vector256<float> sum = Avx.Add(Avx.Multiply(Vector256.LoadUnsafe(ref dRow, (nuint)(s * 8)), v), Vector256.LoadUnsafe(ref cRow, (nuint)(s * 8)));
                    sum.StoreUnsafe(ref cRow, (nuint)(s * 8));
                }
            }
        }
    }

    /// <summary>The unchecked paths read and write through raw references: every index and extent is checked once here.</summary>
    private static void CheckOperands(ReadOnlySpan<int> indices, ReadOnlySpan<int> rowStarts, int indexedLength, int n, int rows, int rowMajorLength, int valueCount)
    {
        if ((long)rows * n > rowMajorLength || rowStarts[rows] > valueCount || rowStarts[rows] > indices.Length)
        {
            throw new ArgumentException("The sparse product's operands are shorter than their shapes.");
        }

        long limit = indexedLength / n;
        foreach (int index in indices[..rowStarts[rows]])
        {
            if ((uint)index >= limit)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"A sparse column index is outside [0, {limit}).");
            }
        }
    }
}
