// Benchmarks of Backprop.MLNet. Usage:
//   dotnet run -c Release --project benchmarks/Backprop.MLNet.Benchmarks -- <train|score|sparse|gemm|all> [--quick] [--threads N]
// Each workload prints one JSON object on its own line (the last lines of the output), so runs can be compared.
using System.Text.Json;
using Backprop.MLNet.Benchmarks;

string[] workloads = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)).ToArray();
bool quick = args.Contains("--quick");
int threadsIndex = Array.IndexOf(args, "--threads");
int threads = threadsIndex >= 0 ? int.Parse(args[threadsIndex + 1]) : Environment.ProcessorCount;
if (workloads.Length == 0 || workloads.Contains("all"))
{
    workloads = ["train", "gemm", "score", "sparse"]; // train first: its peak working set is the process's own
}

var runners = new Dictionary<string, Func<Dictionary<string, object>>>
{
    ["train"] = () => TrainWorkload.Run(quick, threads, firstWorkload: workloads[0] == "train"),
    ["score"] = () => ScoreWorkload.Run(quick),
    ["sparse"] = () => SparseWorkload.Run(quick, threads),
    ["gemm"] = () => GemmWorkload.Run(quick),
};

foreach (string workload in workloads)
{
    if (!runners.TryGetValue(workload, out var run))
    {
        Console.Error.WriteLine($"Unknown workload '{workload}'. Choose from: {string.Join(", ", runners.Keys)}, all.");
        return 2;
    }

    Dictionary<string, object> result = run();
    result = new Dictionary<string, object> { ["workload"] = workload, ["quick"] = quick, ["threads"] = threads }.Concat(result).ToDictionary();
    Console.WriteLine(JsonSerializer.Serialize(result));
}

return 0;
