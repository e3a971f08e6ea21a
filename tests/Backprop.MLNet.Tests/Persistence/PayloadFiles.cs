using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Backprop.MLNet.Integration.Persistence;

namespace Backprop.MLNet.Tests.Persistence;

/// <summary>
/// Builds model files around crafted payloads: finds our entry in a saved model (by the loader name in ML.NET's header),
/// replaces its model block with other bytes (fixing ML.NET's header offsets so that ML.NET itself accepts the entry)
/// and takes payloads apart and puts them together again with a valid CRC and end marker.
/// </summary>
internal static class PayloadFiles
{
    /// <summary>ML.NET's "ML\0MODEL" header signature.</summary>
    private const ulong HeaderSignature = 0x4C45444F4D004C4DUL;

    /// <summary>Our end marker.</summary>
    public const uint EndMarker = 0x424D4C50;

    /// <summary>The loader name of version 2's entry (the model parameters).</summary>
    public const string ModelLoader = "BackpropMlpModel";

    /// <summary>The loader name of version 1's entry (the transformer).</summary>
    public const string TransformerLoader = "BackpropMlpTransformer";

    /// <summary>The committed version-1 model file.</summary>
    public static string Version1Fixture => Path.Combine(AppContext.BaseDirectory, "Persistence", "Fixtures", "breast-cancer-format-v1.zip");

    /// <summary>The name and bytes of the zip entry whose ML.NET header names <paramref name="loader"/>.</summary>
    public static (string Name, byte[] Bytes) FindEntry(byte[] zip, string loader)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            byte[] bytes = ReadAll(entry);
            if (bytes.Length >= 0x100 && BinaryPrimitives.ReadUInt64LittleEndian(bytes) == HeaderSignature
                && Encoding.ASCII.GetString(bytes, 0x50, 24).TrimEnd('\0') == loader)
            {
                return (entry.FullName, bytes);
            }
        }

        throw new InvalidOperationException($"No entry of loader {loader} in the model file.");
    }

    /// <summary>The model block (our whole payload) of an entry.</summary>
    public static byte[] ModelBlock(byte[] entry) => entry[0x100..(0x100 + checked((int)BinaryPrimitives.ReadInt64LittleEndian(entry.AsSpan(0x18))))];

    /// <summary>Our payload in the model file (the model block of the entry of <paramref name="loader"/>).</summary>
    public static byte[] PayloadOf(byte[] zip, string loader) => ModelBlock(FindEntry(zip, loader).Bytes);

    /// <summary>
    /// A copy of <paramref name="zip"/> whose entry of <paramref name="loader"/> holds <paramref name="block"/> as its
    /// model block; ML.NET's header (model size, string table, assembly name and tail offsets) is adjusted to match.
    /// </summary>
    public static byte[] WithModelBlock(byte[] zip, string loader, byte[] block) => new ModelFileTemplate(zip, loader).With(block, CompressionLevel.Optimal);

    /// <summary>A copy of <paramref name="zip"/> with entry <paramref name="name"/> replaced by <paramref name="bytes"/>.</summary>
    public static byte[] WithEntry(byte[] zip, string name, byte[] bytes)
    {
        using var source = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return Zip(source.Entries.Select(e => (e.FullName, e.FullName == name ? bytes : ReadAll(e), e.LastWriteTime)).ToList(), CompressionLevel.Optimal);
    }

    private static byte[] Zip(IReadOnlyList<(string Name, byte[] Bytes, DateTimeOffset Time)> entries, CompressionLevel level)
    {
        var output = new MemoryStream();
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] bytes, DateTimeOffset time) in entries)
            {
                ZipArchiveEntry copy = target.CreateEntry(name, level);
                copy.LastWriteTime = time;
                using Stream stream = copy.Open();
                stream.Write(bytes);
            }
        }

        return output.ToArray();
    }

    /// <summary>A payload around <paramref name="body"/>: version, length (or <paramref name="lengthField"/>), body, its CRC-32, end marker.</summary>
    public static byte[] Payload(uint version, byte[] body, int? lengthField = null, uint endMarker = EndMarker)
    {
        var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(version);
        writer.Write(lengthField ?? body.Length);
        writer.Write(body);
        writer.Write(Crc32.Compute(body));
        writer.Write(endMarker);
        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>
    /// Recomputes the CRC-32 in place when the payload's length field describes a body that is there and is followed by
    /// room for the CRC (the parser, not the checksum, must then find what is wrong).
    /// </summary>
    public static void FixChecksum(byte[] payload)
    {
        if (payload.Length < 8)
        {
            return;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4));
        if (length >= 0 && 8L + length + 4 <= payload.Length)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(8 + length), Crc32.Compute(payload.AsSpan(8, length)));
        }
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using Stream stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>A model file taken apart once, to put many model blocks into our entry quickly (the fuzz test builds thousands).</summary>
    public sealed class ModelFileTemplate
    {
        private readonly List<(string Name, byte[] Bytes, DateTimeOffset Time)> entries;
        private readonly int index;
        private readonly byte[] header;
        private readonly byte[] rest;
        private readonly long oldLength;

        /// <summary>Takes <paramref name="zip"/> apart around the entry of <paramref name="loader"/>.</summary>
        public ModelFileTemplate(byte[] zip, string loader)
        {
            string name = FindEntry(zip, loader).Name;
            using var source = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            entries = source.Entries.Select(e => (e.FullName, ReadAll(e), e.LastWriteTime)).ToList();
            index = entries.FindIndex(e => e.Name == name);
            byte[] entry = entries[index].Bytes;
            oldLength = BinaryPrimitives.ReadInt64LittleEndian(entry.AsSpan(0x18));
            header = entry[..0x100];
            rest = entry[(0x100 + (int)oldLength)..];
        }

        /// <summary>The model file with <paramref name="block"/> as our entry's model block, ML.NET's header adjusted to it.</summary>
        public byte[] With(byte[] block, CompressionLevel level = CompressionLevel.NoCompression)
        {
            long delta = block.Length - oldLength;
            byte[] h = (byte[])header.Clone();
            BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(0x18), block.Length);
            foreach (int offset in new[] { 0x20, 0x30, 0x80, 0x88, 0x90 }) // string table, string chars, tail, lim, assembly name
            {
                long value = BinaryPrimitives.ReadInt64LittleEndian(h.AsSpan(offset));
                if (value != 0)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(offset), value + delta);
                }
            }

            var copy = new List<(string Name, byte[] Bytes, DateTimeOffset Time)>(entries);
            copy[index] = (entries[index].Name, [.. h, .. block, .. rest], entries[index].Time);
            return Zip(copy, level);
        }
    }

    /// <summary>A payload's body taken apart, to edit fields and write it again.</summary>
    public sealed class Body
    {
        /// <summary>Version 1's feature column name as written (7-bit length and bytes), or null for version 2.</summary>
        public byte[]? Name { get; set; }

        public int Inputs { get; set; }

        public int LayerCount { get; set; }

        public List<(int Size, int Activation)> Layers { get; set; } = [];

        public int Count { get; set; }

        public byte[] Weights { get; set; } = [];

        public int Epochs { get; set; }

        public byte[] Records { get; set; } = [];

        public int BestEpoch { get; set; }

        /// <summary>Bytes written after the kept epoch (none in a real file).</summary>
        public byte[] Extra { get; set; } = [];

        /// <summary>Parses the body of <paramref name="payload"/>.</summary>
        public static Body Parse(byte[] payload)
        {
            uint version = BinaryPrimitives.ReadUInt32LittleEndian(payload);
            int length = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4));
            byte[] body = payload[8..(8 + length)];
            var reader = new BinaryReader(new MemoryStream(body));
            var parsed = new Body();
            if (version == 1)
            {
                reader.ReadString();
                parsed.Name = body[..(int)reader.BaseStream.Position];
            }

            parsed.Inputs = reader.ReadInt32();
            parsed.LayerCount = reader.ReadInt32();
            for (int l = 0; l < parsed.LayerCount; l++)
            {
                parsed.Layers.Add((reader.ReadInt32(), reader.ReadInt32()));
            }

            parsed.Count = reader.ReadInt32();
            parsed.Weights = reader.ReadBytes(4 * parsed.Count);
            parsed.Epochs = reader.ReadInt32();
            parsed.Records = reader.ReadBytes(21 * parsed.Epochs);
            parsed.BestEpoch = reader.ReadInt32();
            return parsed;
        }

        /// <summary>A copy to edit.</summary>
        public Body Clone() => new()
        {
            Name = Name, Inputs = Inputs, LayerCount = LayerCount, Layers = [.. Layers], Count = Count, Weights = Weights,
            Epochs = Epochs, Records = Records, BestEpoch = BestEpoch, Extra = Extra,
        };

        /// <summary>The body's bytes.</summary>
        public byte[] ToBytes()
        {
            var stream = new MemoryStream();
            using var writer = new BinaryWriter(stream);
            if (Name is not null)
            {
                writer.Write(Name);
            }

            writer.Write(Inputs);
            writer.Write(LayerCount);
            foreach ((int size, int activation) in Layers)
            {
                writer.Write(size);
                writer.Write(activation);
            }

            writer.Write(Count);
            writer.Write(Weights);
            writer.Write(Epochs);
            writer.Write(Records);
            writer.Write(BestEpoch);
            writer.Write(Extra);
            writer.Flush();
            return stream.ToArray();
        }
    }
}
