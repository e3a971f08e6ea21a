using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Backprop.MLNet.Integration.Persistence;

/// <summary>
/// Writes the body of our payload straight into the entry, little-endian, computing its CRC-32 on the way: the
/// weights go out a chunk at a time, with no copy of the whole body in memory.
/// </summary>
internal sealed class PayloadWriter(BinaryWriter writer)
{
    /// <summary>Floats written (and checksummed) per step of <see cref="WriteFloats"/>: 1 MiB.</summary>
    private const int FloatChunk = 1 << 18;

    private readonly byte[] scratch = new byte[8];
    private uint crc = Crc32.Initial;

    /// <summary>Bytes written so far.</summary>
    public long Written { get; private set; }

    /// <summary>The CRC-32 of everything written.</summary>
    public uint Checksum => Crc32.Finish(crc);

    /// <summary>Writes a little-endian int32.</summary>
    public void Write(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(scratch, value);
        WriteBytes(scratch.AsSpan(0, 4));
    }

    /// <summary>Writes a little-endian float64.</summary>
    public void Write(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(scratch, value);
        WriteBytes(scratch.AsSpan(0, 8));
    }

    /// <summary>Writes a byte: 1 for true, 0 for false (as <see cref="BinaryWriter.Write(bool)"/>).</summary>
    public void Write(bool value)
    {
        scratch[0] = value ? (byte)1 : (byte)0;
        WriteBytes(scratch.AsSpan(0, 1));
    }

    /// <summary>Writes float32 values little-endian, a chunk at a time.</summary>
    public void WriteFloats(ReadOnlySpan<float> values)
    {
        byte[]? swapped = BitConverter.IsLittleEndian ? null : new byte[4 * Math.Min(values.Length, FloatChunk)];
        while (!values.IsEmpty)
        {
            ReadOnlySpan<float> chunk = values[..Math.Min(values.Length, FloatChunk)];
            if (swapped is null)
            {
                WriteBytes(MemoryMarshal.AsBytes(chunk)); // at most 1 MiB: no overflow
            }
            else
            {
                for (int i = 0; i < chunk.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(swapped.AsSpan(4 * i), chunk[i]);
                }

                WriteBytes(swapped.AsSpan(0, 4 * chunk.Length));
            }

            values = values[chunk.Length..];
        }
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        writer.Write(bytes);
        crc = Crc32.Update(crc, bytes);
        Written += bytes.Length;
    }
}
