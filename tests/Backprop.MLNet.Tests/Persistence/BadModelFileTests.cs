using System.IO.Compression;
using Backprop.MLNet.Integration.Persistence;
using Backprop.MLNet.Tests.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.Persistence;

/// <summary>Damaged, truncated and too-new model files, and data that does not fit: errors that say what is wrong.</summary>
public class BadModelFileTests : IDisposable
{
    // Our payload: uint32 version, int32 body length, body, uint32 CRC-32, uint32 end marker. The body of the breast-cancer
    // model starts with its shape: 9 inputs, 2 hidden layers, the first of 32 units.
    private static readonly byte[] BodyStart = [9, 0, 0, 0, 2, 0, 0, 0, 32, 0, 0, 0];
    private readonly SavedModels.TempFolder temp = new();
    private readonly string modelPath;

    public BadModelFileTests()
    {
        modelPath = temp.File("model.zip");
        SavedModels.TrainAndSave(modelPath);
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void TruncatedZipSaysSo()
    {
        byte[] bytes = File.ReadAllBytes(modelPath);
        File.WriteAllBytes(modelPath, bytes[..(bytes.Length / 2)]);
        var e = Assert.ThrowsAny<FormatException>(() => new MLContext().Model.LoadWithDiagnostics(modelPath, out _));
        Assert.Contains("not a readable ML.NET model file", e.Message);
        Assert.Contains("truncated or corrupted", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void EmptyOrNonZipFileSaysSo(int kind)
    {
        if (kind == 0)
        {
            File.WriteAllBytes(modelPath, []);
        }
        else
        {
            File.WriteAllText(modelPath, "Label,Features\n1,2\n");
        }

        var e = Assert.ThrowsAny<FormatException>(() => new MLContext().Model.LoadWithDiagnostics(modelPath, out _));
        Assert.Contains("not a readable ML.NET model file", e.Message);
        Assert.Contains(modelPath, e.Message);
    }

    [Fact]
    public void MissingModelEntryIsNamed()
    {
        using (ZipArchive zip = ZipFile.Open(modelPath, ZipArchiveMode.Update))
        {
            ZipArchiveEntry entry = zip.GetEntry("TransformerChain/Transform_001/Model.key")!;
            entry.Delete();
        }

        var e = Assert.ThrowsAny<FormatException>(() => new MLContext().Model.LoadWithDiagnostics(modelPath, out _));
        Assert.Contains("damaged", e.Message);
        Assert.Contains(modelPath, e.Message);
    }

    [Fact]
    public void NewerPayloadVersionAsksForAnUpdate()
    {
        EditPayload(payload => payload[0] = 99, fixChecksum: false);
        var e = Assert.ThrowsAny<FormatException>(() => new MLContext().Model.LoadWithDiagnostics(modelPath, out _));
        Assert.Contains("model format version 99", e.Message);
        Assert.Contains("Update the Backprop.MLNet package", e.Message);

        // Plain Model.Load carries the same message, wrapped by ML.NET's reflection calls.
        var plain = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(modelPath, out _));
        Assert.Contains("model format version 99", plain.ToString());
    }

    [Fact]
    public void WrongLayerShapeIsReported()
    {
        // The first hidden layer's size (after version, length, input count and layer count) becomes 33
        // instead of 32, with a matching checksum: the shape check itself must catch it.
        EditPayload(payload => payload[8 + 8] = 33, fixChecksum: true);
        var e = Assert.ThrowsAny<FormatException>(() => new MLContext().Model.LoadWithDiagnostics(modelPath, out _));
        Assert.Contains("9→33→16→1", e.Message);
        Assert.Contains("damaged", e.Message);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(500)]
    [InlineData(2000)]
    public void FlippedBitIsReportedAsCorrupted(int offset)
    {
        EditPayload(payload => payload[offset] ^= 0x10, fixChecksum: false);
        var e = Assert.ThrowsAny<FormatException>(() => new MLContext().Model.LoadWithDiagnostics(modelPath, out _));
        Assert.Contains("checksum does not match", e.Message);
    }

    [Fact]
    public void CutPayloadIsReportedAsTruncated()
    {
        ReplacePayload(payload => payload[..(payload.Length / 2)]);
        var e = Assert.ThrowsAny<FormatException>(() => new MLContext().Model.LoadWithDiagnostics(modelPath, out _));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void FailedLoadLeavesTheFileAlone()
    {
        EditPayload(payload => payload[0] = 7, fixChecksum: false);
        byte[] before = File.ReadAllBytes(modelPath);
        Assert.ThrowsAny<Exception>(() => new MLContext().Model.LoadWithDiagnostics(modelPath, out _));
        Assert.Equal(before, File.ReadAllBytes(modelPath));
    }

    [Fact]
    public void DataOfTheWrongSizeIsRejectedByName()
    {
        ITransformer loaded = new MLContext().Model.Load(modelPath, out _);
        var ml = new MLContext();
        var rows = new[] { new WideRow { Label = true, Features = new float[10] } };
        IDataView input = ml.Data.LoadFromEnumerable(rows);
        // (ML.NET's normalizer does not check the size, so the loaded BackpropMlp is applied on its own.)
        ITransformer mlp = ((TransformerChain<ITransformer>)loaded).LastTransformer;
        // ML.NET's own transformer checks the type, as for its own trainers.
        var e = Assert.Throws<InvalidOperationException>(() => mlp.Transform(input));
        Assert.Contains("Incompatible features column type: 'Vector<Single, 10>' vs 'Vector<Single, 9>'", e.Message);
    }

    [Fact]
    public void PayloadCutAnywhereFailsWithAModelFileError()
    {
        var ml = new MLContext(seed: 1);
        var model = SavedModels.TrainBreastCancer(ml, DataSets.BreastCancer(ml)).LastTransformer;
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            ModelPayload.Write(writer, model.Model);
        }

        byte[] full = stream.ToArray();
        (string? column, BackpropMlpModelParameters read) = ModelPayload.Read(new BinaryReader(new MemoryStream(full)), ModelPayload.CurrentFormatVersion);
        Assert.Null(column);
        Assert.Equal(model.Model.Network.Values, read.Network.Values);
        for (int length = 0; length < full.Length; length += Math.Max(1, length / 7))
        {
            Assert.ThrowsAny<FormatException>(() => ModelPayload.Read(new BinaryReader(new MemoryStream(full[..length])), ModelPayload.CurrentFormatVersion));
        }
    }

    public sealed class WideRow
    {
        public bool Label { get; set; }

        [Microsoft.ML.Data.VectorType(10)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>Edits our payload in place inside the zip (ZipArchive recomputes the zip entry's own CRC).</summary>
    private void EditPayload(Action<byte[]> edit, bool fixChecksum) => ReplacePayload(p =>
    {
        edit(p);
        if (fixChecksum)
        {
            int length = BitConverter.ToInt32(p, 4);
            BitConverter.GetBytes(Crc32.Compute(p.AsSpan(8, length))).CopyTo(p, 8 + length);
        }

        return p;
    });

    /// <summary>Replaces our payload (from its version field to the end of the entry) by what <paramref name="edit"/> returns.</summary>
    private void ReplacePayload(Func<byte[], byte[]> edit)
    {
        using ZipArchive zip = ZipFile.Open(modelPath, ZipArchiveMode.Update);
        foreach (ZipArchiveEntry entry in zip.Entries.ToList())
        {
            byte[] bytes;
            using (Stream s = entry.Open())
            using (var copy = new MemoryStream())
            {
                s.CopyTo(copy);
                bytes = copy.ToArray();
            }

            int at = bytes.AsSpan().IndexOf(BodyStart) - 8;
            if (at < 0)
            {
                continue;
            }

            byte[] payload = bytes[at..];
            byte[] edited = edit(payload);
            byte[] result = [.. bytes[..at], .. edited];
            string name = entry.FullName;
            entry.Delete();
            using Stream target = zip.CreateEntry(name).Open();
            target.Write(result);
            return;
        }

        throw new InvalidOperationException("The BackpropMlp payload was not found in the model file.");
    }
}
