using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Backprop.MLNet.Integration.Persistence;
using Microsoft.ML;
using Xunit.Abstractions;
using static Backprop.MLNet.Tests.Persistence.PayloadFiles;

namespace Backprop.MLNet.Tests.Persistence;

/// <summary>
/// Seeded mutation of a small model's payload (with its CRC recomputed, so the parser rather than the checksum meets
/// the damage) and of whole model files. Every load must succeed or fail with a FormatException from
/// <c>LoadWithDiagnostics</c> (our reader alone: <see cref="ModelFileException"/>), and allocate no more than twice the
/// payload plus a small constant, measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> around each load
/// (this thread's allocations only, so neither timing nor other tests can change the outcome).
/// </summary>
[Trait("Category", "Slow")]
public partial class ModelFileFuzzTests(ITestOutputHelper output)
{
    private const int PayloadMutations = 2400;
    private const int Version1Mutations = 600;
    private const int ZipMutations = 1200;

    /// <summary>One payload mutation in this many also goes through ML.NET in a model file (ML.NET extracts every entry to disk: the slow part).</summary>
    private const int ThroughMlNetEvery = 3;

    private static readonly int[] Interesting =
    [
        0, 1, -1, 2, 7, 8, 9, 16, 32, 1023, 1024, 1025, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 1 << 24, (1 << 24) + 1, 1 << 28, (1 << 28) + 1,
        1 << 29, (1 << 29) + 1, 1 << 30, int.MaxValue, int.MinValue, 10_000_000, 10_000_001, 100_000_000,
    ];

    [Fact]
    public void MutatedPayloadsLoadOrFailWithOurErrorWithinTheAllocationBound()
    {
        using var temp = new SavedModels.TempFolder();
        SavedModels.TrainAndSave(temp.File("model.zip"));
        byte[] v2 = File.ReadAllBytes(temp.File("model.zip")), v1 = File.ReadAllBytes(PayloadFiles.Version1Fixture);
        var tally = new Tally();
        Run(v2, ModelLoader, ModelPayload.CurrentFormatVersion, PayloadMutations, seed: 10, tally);
        Run(v1, TransformerLoader, ModelPayload.TransformerVersion, Version1Mutations, seed: 11, tally);
        output.WriteLine(tally.Report(PayloadMutations + Version1Mutations));
        Assert.True(tally.Loaded > 0 && tally.Failed > 0);
    }

    [Fact]
    public void MutatedModelFilesLoadOrFailWithAFormatErrorWithinTheAllocationBound()
    {
        using var temp = new SavedModels.TempFolder();
        SavedModels.TrainAndSave(temp.File("model.zip"));
        byte[] original = File.ReadAllBytes(temp.File("model.zip"));
        var ml = new MLContext();
        WarmUp(ml, original);
        var random = new Random(12);
        var tally = new Tally();
        for (int i = 0; i < ZipMutations; i++)
        {
            byte[] file = MutateFile(original, random);
            LoadThroughMlNet(ml, file, bound: 2L * original.Length + CraftedModelFileTests.LoadSlack, tally, $"file mutation {i}");
        }

        output.WriteLine(tally.Report(ZipMutations));
        Assert.True(tally.Loaded > 0 && tally.Failed > 0);
    }

    private static void WarmUp(MLContext ml, byte[] file)
    {
        // ML.NET's first load in a context fills its catalog; loading once (and failing once) first keeps that out of the measurements.
        ml.Model.LoadWithDiagnostics(new MemoryStream(file), out _);
        Assert.ThrowsAny<FormatException>(() => ml.Model.LoadWithDiagnostics(new MemoryStream(file[..(file.Length / 2)]), out _));
    }

    private static void Run(byte[] file, string loader, uint version, int mutations, int seed, Tally tally)
    {
        byte[] payload = PayloadOf(file, loader);
        var template = new ModelFileTemplate(file, loader);
        var ml = new MLContext();
        WarmUp(ml, file);
        var random = new Random(seed);
        for (int i = 0; i < mutations; i++)
        {
            byte[] mutated = MutatePayload(payload, random);

            // Our reader alone, given exactly the payload's bytes (as ML.NET's header gives them).
            var stream = new MemoryStream(mutated);
            long before = GC.GetAllocatedBytesForCurrentThread();
            string? error = null;
            try
            {
                ModelPayload.Read(stream, mutated.Length, exact: true, version);
            }
            catch (ModelFileException e)
            {
                error = e.Message;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            tally.Reader(allocated, mutated.Length);
            Assert.True(
                allocated <= 2L * mutated.Length + CraftedModelFileTests.ReaderSlack,
                $"Payload mutation {i} (seed {seed}): the reader allocated {allocated} bytes for a payload of {mutated.Length} ({error ?? "loaded"}).");

            // The same payload in a model file, through ML.NET.
            if (i % ThroughMlNetEvery == 0)
            {
                string outcome = LoadThroughMlNet(ml, template.With(mutated), bound: 2L * mutated.Length + CraftedModelFileTests.LoadSlack, tally, $"payload mutation {i} (seed {seed})");
                Assert.True(error is null ? outcome == "loaded" : outcome.EndsWith(error, StringComparison.Ordinal), $"Payload mutation {i} (seed {seed}): the reader said \"{error ?? "loaded"}\", Model.Load \"{outcome}\".");
            }
            else
            {
                tally.Load(error is null ? "loaded" : error, allocated: 0);
            }
        }
    }

    private static string LoadThroughMlNet(MLContext ml, byte[] file, long bound, Tally tally, string what)
    {
        var stream = new MemoryStream(file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        string outcome;
        try
        {
            ml.Model.LoadWithDiagnostics(stream, out _);
            outcome = "loaded";
        }
        catch (FormatException e)
        {
            outcome = e.Message;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: LoadWithDiagnostics threw {e.GetType().Name}, not a FormatException: {e}");
            throw;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        tally.Load(outcome, allocated);
        Assert.True(allocated <= bound, $"{what}: loading allocated {allocated} bytes, more than {bound} ({outcome}).");
        return outcome;
    }

    /// <summary>One mutation of a payload; most keep a valid CRC so that the parser meets the damage.</summary>
    private static byte[] MutatePayload(byte[] payload, Random random)
    {
        byte[] p = (byte[])payload.Clone();
        int bodyLength = p.Length - 16;

        // A body offset: half of them among the shape and counts (the first 64 bytes) or the history (the last 256),
        // where the sizes the reader must not trust are; the rest anywhere (mostly weights).
        int Offset(int width) => Math.Min(bodyLength - width, random.Next(4) switch
        {
            0 => random.Next(Math.Min(64, bodyLength)),
            1 => Math.Max(0, bodyLength - 256) + random.Next(Math.Min(256, bodyLength)),
            _ => random.Next(bodyLength),
        });
        bool fixChecksum = random.Next(10) != 0;
        switch (random.Next(9))
        {
            case 0: // a few flipped bits in the body
                for (int k = random.Next(1, 4); k > 0; k--)
                {
                    p[8 + Offset(1)] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 1: // an interesting int32 at a 4-byte boundary of the body (the counts and sizes are there)
            case 2:
                BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(8 + (Offset(4) & ~3)), Interesting[random.Next(Interesting.Length)]);
                break;
            case 3: // an interesting int32 anywhere in the body
                BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(8 + Offset(4)), Interesting[random.Next(Interesting.Length)]);
                break;
            case 4: // the body cut short or lengthened, with a length field to match
            {
                int at = 8 + Offset(0);
                int change = random.Next(2) == 0 ? -random.Next(1, 64) : random.Next(1, 64);
                byte[] body = change < 0 ? [.. p[8..at], .. p[Math.Min(8 + bodyLength, at - change)..(8 + bodyLength)]] : [.. p[8..at], .. RandomBytes(random, change), .. p[at..(8 + bodyLength)]];
                p = [.. p[..4], .. BitConverter.GetBytes(body.Length), .. body, 0, 0, 0, 0, .. p[^4..]];
                break;
            }

            case 5: // the length field (not covered by the CRC)
                BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(4), random.Next(2) == 0 ? Interesting[random.Next(Interesting.Length)] : bodyLength + random.Next(-40, 40));
                fixChecksum = false;
                break;
            case 6: // the version
                BinaryPrimitives.WriteUInt32LittleEndian(p, (uint)Interesting[random.Next(Interesting.Length)]);
                break;
            case 7: // the whole payload cut, or bytes added after its end marker
                p = random.Next(2) == 0 ? p[..random.Next(p.Length)] : [.. p, .. RandomBytes(random, random.Next(1, 32))];
                fixChecksum = false;
                break;
            default: // any byte, CRC and end marker included
                p[random.Next(p.Length)] = (byte)random.Next(256);
                fixChecksum = false;
                break;
        }

        if (fixChecksum)
        {
            FixChecksum(p);
        }

        return p;
    }

    /// <summary>One mutation of a whole model file (zip structure, ML.NET's entries, our payload: whatever the bytes hold).</summary>
    private static byte[] MutateFile(byte[] file, Random random)
    {
        byte[] f = (byte[])file.Clone();
        switch (random.Next(5))
        {
            case 0:
                for (int k = random.Next(1, 4); k > 0; k--)
                {
                    f[random.Next(f.Length)] ^= (byte)(1 << random.Next(8));
                }

                return f;
            case 1:
                f[random.Next(f.Length)] = (byte)random.Next(256);
                return f;
            case 2:
                return f[..random.Next(f.Length)];
            case 3:
                BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(random.Next(f.Length - 3)), Interesting[random.Next(Interesting.Length)]);
                return f;
            default:
            {
                int at = random.Next(f.Length), length = random.Next(1, 16);
                return random.Next(2) == 0 ? [.. f[..at], .. RandomBytes(random, length), .. f[at..]] : [.. f[..at], .. f[Math.Min(f.Length, at + length)..]];
            }
        }
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        byte[] bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    [GeneratedRegex(@"^Cannot load '[^']*': |\d+")]
    private static partial Regex Variable();

    /// <summary>Outcomes by message (numbers and quoted names blanked) and the largest allocation seen.</summary>
    private sealed class Tally
    {
        private readonly Dictionary<string, int> outcomes = [];
        private long maxLoadAllocation;
        private long maxReaderExcess = long.MinValue;
        private double maxReaderRatio;

        public int Loaded => outcomes.GetValueOrDefault("loaded");

        public int Failed => outcomes.Values.Sum() - Loaded;

        public void Load(string outcome, long allocated)
        {
            string key = Variable().Replace(outcome, m => m.Value.StartsWith("Cannot", StringComparison.Ordinal) ? "" : "#");
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
            maxLoadAllocation = Math.Max(maxLoadAllocation, allocated);
        }

        /// <summary>Records one reader run: its allocation beyond twice the payload, and its ratio to payloads of 1 KiB or more (tiny cut ones are all exception).</summary>
        public void Reader(long allocated, int payloadLength)
        {
            maxReaderExcess = Math.Max(maxReaderExcess, allocated - (2L * payloadLength));
            if (payloadLength >= 1024)
            {
                maxReaderRatio = Math.Max(maxReaderRatio, allocated / (double)payloadLength);
            }
        }

        public string Report(int mutations) =>
            $"{mutations} mutations: {Loaded} loaded, {Failed} failed; largest allocation of a load {maxLoadAllocation} bytes; " +
            (maxReaderExcess == long.MinValue ? "\n" : $"reader alone: at most {maxReaderRatio:F2} × the payload (payloads of 1 KiB or more), at most {maxReaderExcess} bytes beyond twice the payload\n") +
            string.Join("\n", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Value,6}  {o.Key}"));
    }
}
