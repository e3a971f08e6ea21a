using System.Reflection;
using Backprop.MLNet.Integration.Persistence;
using Microsoft.ML;
using static Backprop.MLNet.Tests.Persistence.PayloadFiles;

namespace Backprop.MLNet.Tests.Persistence;

/// <summary>
/// Hostile model files, committed in Fixtures/Crafted: small valid zips whose BackpropMlp payload has a valid CRC and end
/// marker but sizes and counts that promise far more than the file holds (the attacks of issue 10) or fields that make
/// no sense. Each must fail with our own error naming the problem, allocating no more than twice its payload plus a
/// small constant. <see cref="WriteCraftedFixtures"/> regenerates the files.
/// </summary>
public class CraftedModelFileTests
{
    /// <summary>Allocation allowed beyond twice the payload for a whole <c>Model.Load</c> (ML.NET's own work: the zip, the normalizer, the schema).</summary>
    public const long LoadSlack = 4 << 20;

    /// <summary>
    /// Allocation allowed beyond twice the payload for our reader alone: its buffers, error messages and stack traces, and
    /// a version-1 feature column name (its bytes and its string, 3 × at most 64 KiB).
    /// </summary>
    public const long ReaderSlack = 96 << 10;

    private const int Tanh = 0;

    /// <summary>Every crafted file: its name, how it is made from a version-2 and a version-1 payload, and the text its error must contain.</summary>
    internal static readonly (string Name, Func<Body, Body, byte[]> Make, string Expected)[] Cases =
    [
        // The attacks: a count far beyond the bytes.
        ("v2-huge-weights-count", (b2, _) => V2(Shape(b2, 9, [1 << 24], 11 * (1 << 24) + 1)),
            "184549377 weights need 738197508 bytes, but only 8 are left"),
        ("v2-huge-layer-size", (b2, _) => V2(Shape(b2, 9, [1 << 24, 1 << 24], b2.Count)),
            "layer shape 9→16777216→16777216→1 has 281475178037249 parameters, more than the 268435456 a model may have"),
        ("v2-count-above-2-29", (b2, _) => V2(Shape(b2, 1 << 24, [32], ((1 << 24) + 1) * 32 + 33)),
            "layer shape 16777216→32→1 has 536870977 parameters, more than the 268435456"),
        ("v2-huge-history-length", (b2, _) => V2(With(b2, b => { b.Epochs = 100_000_000; b.Records = []; })),
            "invalid epoch count 100000000"),
        ("v2-history-beyond-contents", (b2, _) => V2(With(b2, b => { b.Epochs = 9_999_999; b.Records = []; })),
            "history records of 9999999 epochs need 209999979 bytes, but only 4 are left"),
        ("v2-body-length-int-max", (b2, _) => Payload(2, b2.ToBytes(), lengthField: int.MaxValue),
            "gives its contents' length as 2147483647 bytes, but its entry has room for"),
        ("v2-body-length-2-30", (b2, _) => Payload(2, b2.ToBytes(), lengthField: 1 << 30),
            "gives its contents' length as 1073741824 bytes, but its entry has room for"),
        ("v2-body-length-negative", (b2, _) => Payload(2, b2.ToBytes(), lengthField: -1),
            "gives its contents' length as -1 bytes"),
        ("v2-body-length-short", (b2, _) => Payload(2, b2.ToBytes(), lengthField: b2.ToBytes().Length - 4),
            "but its entry holds"),
        ("v2-input-count", (b2, _) => V2(With(b2, b => b.Inputs = 1 << 30)), "invalid input count 1073741824"),
        ("v2-layer-count", (b2, _) => V2(With(b2, b => b.LayerCount = 100_000)), "invalid hidden layer count 100000"),
        ("v2-layer-count-beyond-contents", (b2, _) => V2(Shape(b2, 9, Enumerable.Repeat(1, 1000).ToArray(), b2.Count, layersWritten: 3)),
            "shape fields of 1000 hidden layers need 8000 bytes, but only"),
        ("v2-weights-mismatch", (b2, _) => V2(With(b2, b => b.Layers[0] = (33, b.Layers[0].Activation))), "holds 865 weights, but its layer shape 9→33→16→1 needs"),
        ("v2-activation-code", (b2, _) => V2(With(b2, b => b.Layers[1] = (b.Layers[1].Size, 9))), "invalid activation code 9 of hidden layer 1"),
        ("v2-nan-weight", (b2, _) => V2(With(b2, b => { b.Weights = (byte[])b.Weights.Clone(); BitConverter.GetBytes(float.NaN).CopyTo(b.Weights, 20); })),
            "invalid weight 5 (not a finite number)"),
        ("v2-validation-flag", (b2, _) => V2(With(b2, b => { b.Records = (byte[])b.Records.Clone(); b.Records[12] = 2; })),
            "invalid has-validation flag 2 of epoch record 0"),
        ("v2-kept-epoch", (b2, _) => V2(With(b2, b => b.BestEpoch = b.Epochs + 1)), "invalid kept epoch 11 (of 10)"),
        ("v2-contents-end-early", (b2, _) => V2(With(b2, b => b.Extra = [1, 2, 3, 4])), "(they end 4 bytes early)"),
        ("v2-newer-version", (b2, _) => Payload(3, b2.ToBytes()), "saved in model format version 3"),
        ("v2-version-zero", (b2, _) => Payload(0, b2.ToBytes()), "model format version 0"),
        ("v2-version-1-in-a-version-2-entry", (b2, _) => Payload(1, b2.ToBytes()), "invalid format version 1 for this kind of entry (expected 2)"),
        ("v2-end-marker", (b2, _) => Payload(2, b2.ToBytes(), endMarker: 0x12345678), "invalid end marker"),
        ("v2-checksum", (b2, _) => Corrupted(V2(b2)), "checksum does not match its contents"),
        ("v1-negative-string-length", (_, b1) => V1(With(b1, b => b.Name = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, (byte)'F'])),
            "invalid length -1 of the feature column's name"),
        ("v1-huge-string-length", (_, b1) => V1(With(b1, b => b.Name = [0x80, 0x80, 0x80, 0x80, 0x04, (byte)'F'])),
            "invalid length 1073741824 of the feature column's name"),
        ("v1-string-beyond-contents", (_, b1) => V1(With(b1, b => b.Name = [0xE0, 0xD4, 0x03, (byte)'F'])),
            "feature column name's bytes need 60000 bytes, but only"),
        ("v1-empty-name", (_, b1) => V1(With(b1, b => b.Name = [0])), "names no feature column"),
        ("v1-huge-weights-count", (_, b1) => V1(Shape(b1, 9, [1 << 24], 11 * (1 << 24) + 1)),
            "184549377 weights need 738197508 bytes, but only 8 are left"),
        ("v1-huge-history-length", (_, b1) => V1(With(b1, b => { b.Epochs = 5_000_000; b.Records = []; })),
            "history records of 5000000 epochs need 105000000 bytes"),
        // Shapes and histories version 1 could save and load, beyond the limits version 2 shares between training,
        // saving and loading: not called damaged, and the error says which version can use them.
        ("v1-parameters-beyond-version-2", (_, b1) => V1(Shape(b1, 9, [1 << 24, 6], 268_435_469)),
            "layer shape 9→16777216→6→1 has 268435469 parameters, more than the 268435456 this Backprop.MLNet trains, saves and loads. It was saved by Backprop.MLNet 1.x"),
        ("v1-inputs-beyond-version-2", (_, b1) => V1(Shape(b1, 300_000_000, [1], 300_000_003)),
            "layer shape 300000000→1→1 has 300000003 parameters, more than the 268435456 this Backprop.MLNet trains, saves and loads. It was saved by Backprop.MLNet 1.x"),
        ("v1-history-beyond-version-2", (_, b1) => V1(With(b1, b => { b.Epochs = 20_000_000; b.Records = []; })),
            "history has 20000000 epochs, more than the 10000000 this Backprop.MLNet trains, saves and loads. It was saved by Backprop.MLNet 1.x"),
        ("v1-beyond-version-1", (_, b1) => V1(Shape(b1, 1 << 30, [1], (1 << 30) + 3)),
            "layer shape 1073741824→1→1 has 1073741827 parameters, more than the 268435456 a model may have; the file is damaged"),
    ];

    public static TheoryData<string> CaseNames() => [.. Cases.Select(c => c.Name)];

    private static string Folder(bool source)
    {
        string output = Path.Combine(AppContext.BaseDirectory, "Persistence", "Fixtures", "Crafted");
        return !source && Directory.Exists(output)
            ? output
            : Path.Combine(SavedModels.Metadata("RepositoryRoot"), "tests", "Backprop.MLNet.Tests", "Persistence", "Fixtures", "Crafted");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void CraftedFileFailsWithItsOwnMessageWithinTheAllocationBound(string name)
    {
        string expected = Cases.Single(c => c.Name == name).Expected;
        string path = Path.Combine(Folder(source: false), name + ".zip");
        byte[] file = File.ReadAllBytes(path);
        string loader = name.StartsWith("v1-", StringComparison.Ordinal) ? TransformerLoader : ModelLoader;
        byte[] payload = PayloadOf(file, loader);

        // Through ML.NET, at top level: our FormatException with the file's path and the problem.
        var ml = new MLContext();
        ml.Model.LoadWithDiagnostics(PayloadFiles.Version1Fixture, out _); // warm up ML.NET's catalog before measuring
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.ThrowsAny<FormatException>(() => ml.Model.LoadWithDiagnostics(path, out _));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.IsType<ModelFileException>(e);
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
        Assert.True(allocated <= 2L * payload.Length + LoadSlack, $"{name}: loading allocated {allocated} bytes for a payload of {payload.Length}.");

        // Plain Model.Load: the same message inside ML.NET's reflection wrappers, never a foreign exception.
        Exception plain = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
        Exception inner = plain;
        while (inner is TargetInvocationException { InnerException: { } next })
        {
            inner = next;
        }

        Assert.IsAssignableFrom<FormatException>(inner);
        Assert.Contains(expected, inner.Message);

        // Our reader alone, on the payload: the same error, within twice the payload plus a few kilobytes.
        var stream = new MemoryStream(payload);
        before = GC.GetAllocatedBytesForCurrentThread();
        var direct = Assert.ThrowsAny<FormatException>(() => ModelPayload.Read(
            stream, payload.Length, exact: true, loader == ModelLoader ? ModelPayload.CurrentFormatVersion : ModelPayload.TransformerVersion));
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(expected, direct.Message);
        Assert.True(allocated <= 2L * payload.Length + ReaderSlack, $"{name}: the reader allocated {allocated} bytes for a payload of {payload.Length}.");
    }

    [Fact]
    public void EveryCommittedCraftedFileHasACase()
    {
        string[] files = Directory.GetFiles(Folder(source: false), "*.zip").Select(f => Path.GetFileNameWithoutExtension(f)!).Order().ToArray();
        Assert.Equal(Cases.Select(c => c.Name).Order(), files);
    }

    [Fact(Skip = "Writes the committed crafted files into the source tree; run by hand when a case is added or the format changes.")]
    public void WriteCraftedFixtures()
    {
        string folder = Folder(source: true);
        Directory.CreateDirectory(folder);
        using var temp = new SavedModels.TempFolder();
        SavedModels.TrainAndSave(temp.File("model.zip"));
        byte[] v2 = File.ReadAllBytes(temp.File("model.zip")), v1 = File.ReadAllBytes(PayloadFiles.Version1Fixture);
        Body b2 = Body.Parse(PayloadOf(v2, ModelLoader)), b1 = Body.Parse(PayloadOf(v1, TransformerLoader));
        foreach ((string name, Func<Body, Body, byte[]> make, _) in Cases)
        {
            bool version1 = name.StartsWith("v1-", StringComparison.Ordinal);
            byte[] file = WithModelBlock(version1 ? v1 : v2, version1 ? TransformerLoader : ModelLoader, make(b2, b1));
            File.WriteAllBytes(Path.Combine(folder, name + ".zip"), file);
        }
    }

    private static byte[] V2(Body body) => Payload(2, body.ToBytes());

    private static byte[] V1(Body body) => Payload(1, body.ToBytes());

    private static Body With(Body body, Action<Body> edit)
    {
        Body copy = body.Clone();
        edit(copy);
        return copy;
    }

    /// <summary>A body with another shape and count field, no weights and no history (the bytes the shape promises are absent).</summary>
    private static Body Shape(Body body, int inputs, int[] sizes, int count, int? layersWritten = null) => With(body, b =>
    {
        b.Inputs = inputs;
        b.LayerCount = sizes.Length;
        b.Layers = [.. sizes.Take(layersWritten ?? sizes.Length).Select(s => (s, Tanh))];
        b.Count = count;
        b.Weights = [];
        b.Epochs = 0;
        b.Records = [];
        b.BestEpoch = 0;
    });

    /// <summary>A payload whose weight count changed after its CRC was computed: the checksum, not the count, is reported.</summary>
    private static byte[] Corrupted(byte[] payload)
    {
        payload[8 + 24] ^= 0x40;
        return payload;
    }
}
