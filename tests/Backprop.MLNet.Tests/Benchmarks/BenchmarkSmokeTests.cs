using System.Text.Json;
using Backprop.MLNet.Tests.Persistence;

namespace Backprop.MLNet.Tests.Benchmarks;

/// <summary>The benchmark's --quick mode runs every workload and prints one JSON object each (no time is asserted).</summary>
[Trait("Category", "Slow")]
public class BenchmarkSmokeTests
{
    [Fact]
    public void QuickModeRunsEveryWorkloadAndPrintsJson()
    {
        string output = SavedModels.RunDotnet($"\"{SavedModels.Metadata("BenchmarksAssembly")}\" all --quick", timeoutSeconds: 600);
        var results = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(e => e.GetProperty("workload").GetString()!);
        Assert.Equal(["gemm", "score", "sparse", "train"], results.Keys.Order());
        Assert.True(results["train"].GetProperty("core_samples_per_s").GetDouble() > 0);
        // It learned something: clearly below ln 2 = 0.693, the loss of a coin on these balanced labels (one quick epoch gives ≈ 0.66).
        Assert.True(results["train"].GetProperty("final_training_loss").GetDouble() < Math.Log(2) - 0.02, "the quick training run learned nothing");
        Assert.True(results["score"].GetProperty("transform_cursor_rows_per_s").GetDouble() > 0);
        Assert.True(results["score"].GetProperty("transform_in_blocks_cursor_rows_per_s").GetDouble() > 0);
        Assert.True(results["score"].GetProperty("row_to_row_mapper_one_thread_rows_per_s").GetDouble() > 0);
        Assert.True(results["gemm"].GetProperty("forward_256x100_100x128_gflops_1t").GetDouble() > 0);
        var sparseEpochs = results["sparse"].EnumerateObject().Where(p => p.Name.StartsWith("seconds_per_epoch_", StringComparison.Ordinal)).ToList();
        Assert.Equal(9, sparseEpochs.Count);
        Assert.All(sparseEpochs, p => Assert.True(p.Value.GetDouble() > 0, $"{p.Name} = {p.Value}"));
    }
}
