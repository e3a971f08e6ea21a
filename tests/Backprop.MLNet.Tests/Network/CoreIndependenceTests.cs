using Backprop.MLNet.Tests.Persistence;

namespace Backprop.MLNet.Tests.Network;

/// <summary>The network core (Network/, Training/, Numerics/) uses neither Microsoft.ML nor our ML.NET plumbing.</summary>
public class CoreIndependenceTests
{
    [Theory]
    [InlineData("Network")]
    [InlineData("Training")]
    [InlineData("Numerics")]
    public void CoreFoldersDoNotMentionMicrosoftMlOrThePlumbing(string folder)
    {
        string path = Path.Combine(SavedModels.Metadata("RepositoryRoot"), "src", "Backprop.MLNet", folder);
        string[] files = Directory.GetFiles(path, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        var offending = files
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, number: i + 1)))
            .Where(x => x.line.Contains("Microsoft.ML", StringComparison.Ordinal) || x.line.Contains("Backprop.MLNet.MLNet", StringComparison.Ordinal))
            .Select(x => $"{Path.GetFileName(x.file)}:{x.number}: {x.line.Trim()}")
            .ToList();
        Assert.Empty(offending);
    }
}
