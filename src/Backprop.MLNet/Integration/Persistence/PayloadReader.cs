using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Backprop.MLNet.Integration.Persistence;

/// <summary>
/// Reads our payload straight from the entry's stream, never past the payload's end and without buffering it: every
/// read is checked against the bytes the payload really has left (so a count is checked with <see cref="Need"/> before
/// anything is allocated for it), and the bytes of the body go through the CRC-32 as they are read.
/// </summary>
/// <remarks>Every problem is a <see cref="ModelFileException"/>; nothing here throws the stream's end-of-stream error.</remarks>
internal sealed class PayloadReader
{
    /// <summary>Floats read (and checksummed) per step of <see cref="ReadFloats"/>: 1 MiB.</summary>
    private const int FloatChunk = 1 << 18;

    private readonly Stream stream;
    private readonly byte[] scratch = new byte[8];
    private long remaining;
    private long bodyRemaining = -1;
    private uint crc = Crc32.Initial;

    /// <summary>Reads from <paramref name="stream"/>'s position, which has <paramref name="available"/> bytes of payload.</summary>
    public PayloadReader(Stream stream, long available)
    {
        this.stream = stream;
        remaining = Math.Max(0, available);
    }

    /// <summary>Bytes of the payload not read yet.</summary>
    public long Remaining => remaining;

    /// <summary>Bytes of the body not read yet (0 outside the body).</summary>
    public long BodyRemaining => Math.Max(0, bodyRemaining);

    /// <summary>Starts the body: the next <paramref name="length"/> bytes (all known to exist) are checksummed.</summary>
    public void BeginBody(int length)
    {
        if (length > remaining)
        {
            throw new InvalidOperationException("The caller checks the body length against the payload first.");
        }

        bodyRemaining = length;
        crc = Crc32.Initial;
    }

    /// <summary>Reads (and checksums) what is left of the body, in chunks; returns the body's CRC-32.</summary>
    public uint FinishBody()
    {
        if (bodyRemaining > 0)
        {
            byte[] buffer = new byte[(int)Math.Min(bodyRemaining, 1 << 16)];
            while (bodyRemaining > 0)
            {
                ReadExactly(buffer.AsSpan(0, (int)Math.Min(bodyRemaining, buffer.Length)));
            }
        }

        bodyRemaining = -1;
        return Crc32.Finish(crc);
    }

    /// <summary>
    /// Throws unless <paramref name="bytes"/> more bytes exist in the body (or, outside it, the payload): call it with a
    /// count's byte size before allocating for the count.
    /// </summary>
    /// <param name="bytes">The bytes the next field needs.</param>
    /// <param name="what">The field, for the message ("the 865 weights").</param>
    public void Need(long bytes, string what)
    {
        long left = bodyRemaining >= 0 ? bodyRemaining : remaining;
        if (bytes > left)
        {
            throw new ModelFileException(
                $"The BackpropMlp model's {what} need {bytes} bytes, but only {left} are left in its {(bodyRemaining >= 0 ? "contents" : "payload")}; the file is truncated or damaged.");
        }
    }

    /// <summary>Reads a little-endian int32.</summary>
    public int ReadInt32()
    {
        ReadExactly(scratch.AsSpan(0, 4));
        return BinaryPrimitives.ReadInt32LittleEndian(scratch);
    }

    /// <summary>Reads a little-endian uint32.</summary>
    public uint ReadUInt32()
    {
        ReadExactly(scratch.AsSpan(0, 4));
        return BinaryPrimitives.ReadUInt32LittleEndian(scratch);
    }

    /// <summary>Reads one byte.</summary>
    public byte ReadByte()
    {
        ReadExactly(scratch.AsSpan(0, 1));
        return scratch[0];
    }

    /// <summary>
    /// Reads the 7-bit encoded length that <see cref="BinaryWriter.Write(string)"/> puts before a string's UTF-8 bytes;
    /// -1 when it is not a valid non-negative int32.
    /// </summary>
    public int Read7BitEncodedLength()
    {
        uint value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 28 && b > 0x07)
            {
                return -1; // more than 31 bits, or a fifth byte that continues
            }

            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (int)value;
            }
        }

        return -1;
    }

    /// <summary>Reads <paramref name="target"/>.Length bytes.</summary>
    public void ReadBytes(Span<byte> target) => ReadExactly(target);

    /// <summary>Reads little-endian float32 values into <paramref name="target"/>, a chunk at a time (no copy of the bytes is kept).</summary>
    public void ReadFloats(Span<float> target)
    {
        while (!target.IsEmpty)
        {
            Span<float> chunk = target[..Math.Min(target.Length, FloatChunk)];
            Span<byte> bytes = MemoryMarshal.AsBytes(chunk); // at most 1 MiB: no overflow
            ReadExactly(bytes);
            if (!BitConverter.IsLittleEndian)
            {
                Span<int> words = MemoryMarshal.Cast<float, int>(chunk);
                BinaryPrimitives.ReverseEndianness(words, words);
            }

            target = target[chunk.Length..];
        }
    }

    private void ReadExactly(Span<byte> target)
    {
        long left = bodyRemaining >= 0 ? bodyRemaining : remaining;
        if (target.Length > left)
        {
            throw Truncated();
        }

        int read = 0;
        while (read < target.Length)
        {
            int n = stream.Read(target[read..]);
            if (n <= 0)
            {
                throw Truncated();
            }

            read += n;
        }

        remaining -= target.Length;
        if (bodyRemaining >= 0)
        {
            bodyRemaining -= target.Length;
            crc = Crc32.Update(crc, target);
        }
    }

    private static ModelFileException Truncated() =>
        new("The BackpropMlp model entry ends before all its data; the file is truncated or damaged.");
}
