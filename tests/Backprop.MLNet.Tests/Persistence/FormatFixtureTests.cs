using Backprop.MLNet.Integration.Persistence;
using Backprop.MLNet.Tests.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.Persistence;

/// <summary>
/// A model file saved by format version 1 is committed with its predictions: every later version of the
/// library must still load it and predict the same. When the format changes on purpose, add a new file
/// beside the old one with <see cref="WriteFixtures"/> (remove its Skip for one run).
/// </summary>
public class FormatFixtureTests
{
    private const string Model = "breast-cancer-format-v1.zip";
    private const string Predictions = "breast-cancer-format-v1.predictions.tsv";

    [Fact]
    public void CommittedVersion1ModelStillLoadsAndPredictsTheSame()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Persistence", "Fixtures");
        var ml = new MLContext();
        ITransformer loaded = ml.Model.Load(Path.Combine(folder, Model), out _);
        string[] expected = File.ReadAllLines(Path.Combine(folder, Predictions));
        Assert.Equal(699, expected.Length);
        List<string> actual = SavedModels.Predictions(loaded, DataSets.BreastCancer(ml));
        Assert.Equal(expected.Length, actual.Count);

        // Same bits on a machine like the one that wrote it (AVX2 + FMA): version 2 loads the file into ML.NET's own
        // transformer and scores row by row, in the same order of operations as version 1's block scorer. Elsewhere
        // (the portable kernels) float rounding may differ slightly.
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            Assert.Equal(expected, actual);
        }

        for (int i = 0; i < expected.Length; i++)
        {
            (float s0, float p0, string l0) = Parse(expected[i]);
            (float s1, float p1, string l1) = Parse(actual[i]);
            Assert.True(float.IsNaN(s0) ? float.IsNaN(s1) : Math.Abs(s0 - s1) <= 1e-5f * (1 + Math.Abs(s0)), $"row {i}: score {s1:R}, expected {s0:R}");
            Assert.True(float.IsNaN(p0) ? float.IsNaN(p1) : Math.Abs(p0 - p1) <= 1e-6f, $"row {i}: probability {p1:R}, expected {p0:R}");
            Assert.True(l0 == l1 || Math.Abs(s0) < 1e-4f, $"row {i}: label {l1}, expected {l0}");
        }
    }

    [Fact]
    public void CommittedVersion1ModelLoadsAsMlNetsTransformerAndResavesInTheCurrentFormat()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Persistence", "Fixtures");
        var ml = new MLContext();
        ITransformer loaded = ml.Model.Load(Path.Combine(folder, Model), out DataViewSchema schema);
        var last = Assert.IsType<BinaryPredictionTransformer<BackpropMlpModelParameters>>(((TransformerChain<ITransformer>)loaded).LastTransformer);
        Assert.Equal("Features", last.FeatureColumnName);
        Assert.Equal(9, last.Model.InputCount);
        Assert.Equal(32, last.Model.HiddenLayers[0].OutputCount);
        Assert.NotEmpty(last.Model.History);

        // Row by row through a PredictionEngine: the same bits as the committed predictions.
        string[] expected = File.ReadAllLines(Path.Combine(folder, Predictions));
        var engine = ml.Model.CreatePredictionEngine<MLNet.PipelineTests.CancerRow, MLNet.PipelineTests.Prediction>(loaded, schema);
        List<MLNet.PipelineTests.CancerRow> rows = ml.Data.CreateEnumerable<MLNet.PipelineTests.CancerRow>(DataSets.BreastCancer(ml), reuseRowObject: false).ToList();
        for (int i = 0; i < rows.Count; i += 7)
        {
            float score = engine.Predict(rows[i]).Score;
            (float s0, _, _) = Parse(expected[i]);
            if (System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(s0), BitConverter.SingleToInt32Bits(score));
            }
            else
            {
                Assert.True(Math.Abs(s0 - score) <= 1e-5f * (1 + Math.Abs(s0)), $"row {i}: {score:R} vs {s0:R}");
            }
        }

        // Saved again, it is written in the current layout (ML.NET's transformer entry around our model entry) and loads the same.
        using var temp = new SavedModels.TempFolder();
        ml.Model.Save(loaded, schema, temp.File("resaved.zip"));
        using (var zip = System.IO.Compression.ZipFile.OpenRead(temp.File("resaved.zip")))
        {
            Assert.Contains(zip.Entries, e => e.FullName.EndsWith("/Model/Model.key", StringComparison.Ordinal));
        }

        ITransformer reloaded = new MLContext().Model.Load(temp.File("resaved.zip"), out _);
        Assert.Equal(SavedModels.Predictions(loaded, DataSets.BreastCancer(ml)), SavedModels.Predictions(reloaded, DataSets.BreastCancer(ml)));
    }

    /// <summary>
    /// A version-2 file saved before the reader and writer streamed the payload (Backprop.MLNet as of the native-predictor
    /// commit) loads, and today's writer writes its payload again byte for byte.
    /// </summary>
    [Fact]
    public void CommittedVersion2ModelLoadsAndIsWrittenAgainByteForByte()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Persistence", "Fixtures", "breast-cancer-format-v2.zip");
        byte[] payload = PayloadFiles.PayloadOf(File.ReadAllBytes(path), PayloadFiles.ModelLoader);
        var ml = new MLContext();
        ITransformer loaded = ml.Model.LoadWithDiagnostics(path, out _);
        var last = Assert.IsType<BinaryPredictionTransformer<BackpropMlpModelParameters>>(((TransformerChain<ITransformer>)loaded).LastTransformer);
        Assert.Equal(10, last.Model.History.Count);
        Assert.Equal(699, SavedModels.Predictions(loaded, DataSets.BreastCancer(ml)).Count);

        var written = new MemoryStream();
        using (var writer = new BinaryWriter(written, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            ModelPayload.Write(writer, last.Model);
        }

        Assert.Equal(payload, written.ToArray());
    }

    private static (float Score, float Probability, string Label) Parse(string line)
    {
        string[] f = line.Split('\t');
        return (BitConverter.Int32BitsToSingle(Convert.ToInt32(f[0], 16)), BitConverter.Int32BitsToSingle(Convert.ToInt32(f[1], 16)), f[2]);
    }

    [Fact(Skip = "Writes the committed fixture into the source tree; run by hand when the format changes.")]
    public void WriteFixtures()
    {
        string folder = Path.Combine(SavedModels.Metadata("RepositoryRoot"), "tests", "Backprop.MLNet.Tests", "Persistence", "Fixtures");
        var ml = new MLContext(seed: 1);
        IDataView data = DataSets.BreastCancer(ml);
        var model = SavedModels.TrainBreastCancer(ml, data);
        ml.Model.Save(model, data.Schema, Path.Combine(folder, Model));
        File.WriteAllLines(Path.Combine(folder, Predictions), SavedModels.Predictions(model, data));
    }
}
