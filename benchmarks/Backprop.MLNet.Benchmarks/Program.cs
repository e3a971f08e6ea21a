// Benchmarks of Backprop.MLNet. Usage:
//   dotnet run -c Release --project benchmarks/Backprop.MLNet.Benchmarks -- <train|score|sparse|gemm|all> [--quick] [--threads N]
//   dotnet run -c Release --project benchmarks/Backprop.MLNet.Benchmarks -- defaults [--quick] [--text FILE.csv] [--only a,b] [--trainers mlp,mlp_v1,lbfgs,mlp_custom] [--mlp "LearningRate=0.003;BatchSize=64"]
//     (defaults is not part of all: it cross-validates BackpropMlp's defaults against LbfgsLogisticRegression, minutes)
//   dotnet run -c Release --project benchmarks/Backprop.MLNet.Benchmarks -- stream [--quick]
//     (not part of all either: training 3M rows in memory, streamed, and under a 512 MB heap limit, each in its own
//     process; writes its data files to the temp folder once, about 1.3 GB)
// Each workload prints one JSON object on its own line (the last lines of the output), so runs can be compared.
using System.Text.Json;
using Backprop.MLNet.Benchmarks;

string[] valued = ["--threads", "--text", "--only", "--trainers", "--mlp"];
string[] workloads = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !valued.Contains(args[i - 1]))).ToArray();
bool quick = args.Contains("--quick");
int threadsIndex = Array.IndexOf(args, "--threads");
int threads = threadsIndex >= 0 ? int.Parse(args[threadsIndex + 1]) : Environment.ProcessorCount;
if (workloads.Length == 0 || workloads.Contains("all"))
{
    workloads = ["train", "gemm", "score", "sparse"]; // train first: its peak working set is the process's own
}

if (args.Length == 4 && args[0] == "stream-child")
{
    return StreamWorkload.RunAsChild(args[1], args[2], args[3]); // one Fit of the stream workload, in its own process
}

string? Argument(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

var runners = new Dictionary<string, Func<Dictionary<string, object>>>
{
    ["stream"] = () => StreamWorkload.Run(quick),
    ["defaults"] = () => Backprop.MLNet.Benchmarks.Defaults.DefaultsWorkload.Run(quick, Argument("--text"), Argument("--only"), Argument("--trainers"), Argument("--mlp")),
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
