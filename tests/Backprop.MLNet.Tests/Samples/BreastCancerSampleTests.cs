using System.Buffers.Binary;
using Backprop.MLNet.Samples.BreastCancer;
using Xunit.Abstractions;

namespace Backprop.MLNet.Tests.Samples;

/// <summary>
/// Smoke test of the README's first command: the main sample's code path on the shipped data, with
/// few epochs, into a temp folder; checks its metrics, the PNGs it writes, the model.zip round trip and the ONNX export.
/// </summary>
[Trait("Category", "Slow")]
public class BreastCancerSampleTests(ITestOutputHelper output)
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void ShippedDataGivesGoodModelsPlotsAndAReloadableModel()
    {
        using var folder = new TemporaryDirectory();
        var console = new SampleConsole();

        SampleResult result = BreastCancerSample.Run(QuickOptions(folder.Path), console.Console);
        output.WriteLine(console.Text);

        Assert.Equal(["BackpropMlp", "LbfgsLogisticRegression", "FastTree"], result.Models.Select(m => m.Name));
        foreach (ModelReport model in result.Models)
        {
            Assert.True(model.Metrics.AreaUnderRocCurve > 0.9, $"{model.Name}: AUC {model.Metrics.AreaUnderRocCurve:F4}");
            Assert.True(model.Metrics.Accuracy > 0.85, $"{model.Name}: accuracy {model.Metrics.Accuracy:F4}");
            Assert.InRange(model.Roc.Area, model.Metrics.AreaUnderRocCurve - 1e-6, model.Metrics.AreaUnderRocCurve + 1e-6);
            Assert.True(model.TrainingTime > TimeSpan.Zero);
        }

        Assert.NotEmpty(result.History);
        Assert.All(result.History, r => Assert.NotNull(r.ValidationLoss));

        AssertPng(result.LossCurvePath, folder.Path, "loss-curve.png", 800, 500);
        AssertPng(result.RocPath, folder.Path, "roc.png", 700, 600);
        Assert.Contains(result.LossCurvePath, console.Text);
        Assert.Contains(result.RocPath, console.Text);

        Assert.Equal(Path.Combine(folder.Path, "model.zip"), result.ModelPath);
        Assert.True(new FileInfo(result.ModelPath).Length > 0);
        Assert.Contains(result.ModelPath, console.Text);
        Assert.Equal(5, result.Predictions.Count);
        foreach (PredictionComparison p in result.Predictions)
        {
            Assert.Equal(p.InMemoryProbability, p.LoadedProbability);
            Assert.Equal(p.LoadedProbability > 0.5f, p.LoadedPredictedLabel);
        }

        Assert.Equal(Path.Combine(folder.Path, "model.onnx"), result.OnnxPath);
        Assert.Contains(result.OnnxPath, console.Text);
        Assert.True(result.Onnx.Rows > 100);
        Assert.InRange(result.Onnx.MaxProbabilityDifference, 0, 1e-5);
        Assert.Equal(0, result.Onnx.LabelMismatches);
    }

    [Fact]
    public void AnotherCsvFileWithAHeaderAndATextColumnWorks()
    {
        using var folder = new TemporaryDirectory();
        string csv = Path.Combine(folder.Path, "cancer.csv");
        WriteBreastCancerAsCsv(csv);

        var console = new SampleConsole();
        SampleResult result = BreastCancerSample.Run(
            QuickOptions(Path.Combine(folder.Path, "out")) with { DataPath = csv, LabelColumn = "diagnosis" }, console.Console);
        output.WriteLine(console.Text);

        Assert.Contains("Left out (not numeric): note", console.Text);
        Assert.Contains("clump_thickness", console.Text);
        Assert.All(result.Models, m => Assert.True(m.Metrics.AreaUnderRocCurve > 0.9, $"{m.Name}: AUC {m.Metrics.AreaUnderRocCurve:F4}"));
        Assert.True(File.Exists(Path.Combine(folder.Path, "out", "model.zip")));
    }

    private static SampleOptions QuickOptions(string outputDirectory) => new()
    {
        Epochs = 15,
        LearningRate = 0.01f,
        OutputDirectory = outputDirectory,
        ShowProgressBar = false,
    };

    private static void AssertPng(string path, string folder, string name, int width, int height)
    {
        Assert.Equal(Path.Combine(folder, name), path);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 10_000, $"{name} has only {bytes.Length} bytes");
        Assert.Equal(PngSignature, bytes[..8]);

        // The IHDR chunk comes first: width and height, big-endian, at bytes 16 and 20.
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    // The shipped rows as a user's CSV would be: a header, the label in the middle, '?' kept, a text column to leave out.
    private static void WriteBreastCancerAsCsv(string path)
    {
        string[] header = ["clump_thickness", "cell size", "cell shape", "adhesion", "epithelial", "diagnosis", "bare nuclei", "chromatin", "nucleoli", "mitoses", "note"];
        var lines = new List<string> { string.Join(',', header) };
        foreach (string line in File.ReadLines(SampleOptions.ShippedDataPath).Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal)))
        {
            string[] cells = line.Split('\t');
            lines.Add(string.Join(',', cells[1..6].Append(cells[0]).Concat(cells[6..10]).Append("row text")));
        }

        File.WriteAllLines(path, lines);
    }
}
