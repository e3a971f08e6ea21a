using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Training past memory: 3,000,000 × 40 dense rows in a binary .idv (and 2,000,000 in a CSV read by TextLoader), trained
/// in memory and streamed (InMemoryDataLimitMegabytes = 32), and with the default limit under a 512 MB GC heap limit.
/// Each run is its own process, so its peak working set is its own; AUC is measured on 200,000 held-out rows.
/// </summary>
internal static class StreamWorkload
{
    private const int Columns = 40;
    private const int Epochs = 10;

    public static Dictionary<string, object> Run(bool quick)
    {
        int rows = quick ? 30_000 : 3_000_000, csvRows = quick ? 20_000 : 2_000_000, testRows = quick ? 5_000 : 200_000;
        string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "backprop-mlnet-stream")).FullName;
        string train = Path.Combine(folder, $"train-{rows}.idv"), csv = Path.Combine(folder, $"train-{csvRows}.csv"), test = Path.Combine(folder, $"test-{testRows}.idv");
        Generate(train, rows, seed: 1, binary: true);
        Generate(csv, csvRows, seed: 2, binary: false);
        Generate(test, testRows, seed: 3, binary: true);

        string streamLimit = quick ? "1" : "32"; // megabytes; --quick's rows would fit in 32 MB
        var result = new Dictionary<string, object> { ["rows_idv"] = rows, ["rows_csv"] = csvRows, ["epochs"] = Epochs, ["streaming_limit_mb"] = int.Parse(streamLimit, CultureInfo.InvariantCulture) };
        void Child(string name, string data, string limit, Dictionary<string, string>? environment = null)
        {
            Dictionary<string, object> run = RunChild(data, test, limit, environment);
            foreach ((string key, object value) in run)
            {
                result[$"{name}_{key}"] = value;
            }
        }

        Child("idv_in_memory", train, "100000");
        Child("idv_streaming", train, streamLimit);
        Child("idv_default_heap_512mb", train, "default", new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x20000000" });
        Child("csv_in_memory", csv, "100000");
        Child("csv_streaming", csv, streamLimit);
        return result;
    }

    /// <summary>One Fit in this process (the child side): prints its figures as "key=value" lines.</summary>
    public static int RunAsChild(string data, string test, string limit)
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.RawMessage.StartsWith("Streaming", StringComparison.Ordinal) || e.RawMessage.StartsWith("Training BackpropMlp", StringComparison.Ordinal)) lock (log) log.Add(e.RawMessage); };
        IDataView trainView = Load(ml, data), testView = Load(ml, test);
        var trainer = ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options
        {
            NumberOfEpochs = Epochs, InMemoryDataLimitMegabytes = limit == "default" ? null : int.Parse(limit, CultureInfo.InvariantCulture),
        });
        var watch = Stopwatch.StartNew();
        var model = trainer.Fit(trainView);
        double seconds = watch.Elapsed.TotalSeconds;
        double auc = ml.BinaryClassification.Evaluate(model.Transform(testView)).AreaUnderRocCurve;
        Console.WriteLine($"fit_seconds={Measure.Significant(seconds, 3).ToString(CultureInfo.InvariantCulture)}");
        Console.WriteLine($"auc={Measure.Round(auc).ToString(CultureInfo.InvariantCulture)}");
        Console.WriteLine($"epochs={model.Model.History.Count}");
        Console.WriteLine($"streamed={log.Any(m => m.StartsWith("Streaming", StringComparison.Ordinal))}");
        Console.WriteLine($"peak_working_set_mb={Process.GetCurrentProcess().PeakWorkingSet64 >> 20}");
        return 0;
    }

    private static Dictionary<string, object> RunChild(string data, string test, string limit, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet", $"\"{typeof(StreamWorkload).Assembly.Location}\" stream-child \"{data}\" \"{test}\" {limit}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach ((string key, string value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            return new Dictionary<string, object> { ["error"] = $"exit {process.ExitCode}: {errors.Result.Split('\n').FirstOrDefault(l => l.Contains("Exception", StringComparison.Ordinal)) ?? errors.Result[..Math.Min(300, errors.Result.Length)]}" };
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? (object)d : kv[1]);
    }

    private static IDataView Load(MLContext ml, string path) => path.EndsWith(".idv", StringComparison.Ordinal)
        ? ml.Data.LoadFromBinary(path)
        : ml.Data.LoadFromTextFile(path, [new TextLoader.Column("Label", DataKind.Boolean, 0), new TextLoader.Column("Features", DataKind.Single, 1, Columns)], separatorChar: ',', hasHeader: false);

    /// <summary>Rows whose label depends on the features linearly and through a few products (a network beats a line), written once.</summary>
    private static void Generate(string path, int rows, int seed, bool binary)
    {
        if (File.Exists(path))
        {
            return;
        }

        string partial = path + ".partial";
        if (binary)
        {
            var ml = new MLContext(seed: seed);
            using (FileStream file = File.Create(partial))
            {
                ml.Data.SaveAsBinary(ml.Data.LoadFromEnumerable(RowsOf(rows, seed)), file);
            }
        }
        else
        {
            using var writer = new StreamWriter(partial);
            foreach (StreamRow row in RowsOf(rows, seed))
            {
                writer.Write(row.Label ? '1' : '0');
                foreach (float v in row.Features)
                {
                    writer.Write(',');
                    writer.Write(v.ToString("G6", CultureInfo.InvariantCulture));
                }

                writer.WriteLine();
            }
        }

        File.Move(partial, path, overwrite: true);
    }

    private static IEnumerable<StreamRow> RowsOf(int rows, int seed)
    {
        var random = new Random(seed);
        var weights = new Random(7).Next(); // the same concept for every file
        var w = Enumerable.Range(0, Columns).Select(i => Math.Sin(i + weights % 3) * 0.5).ToArray();
        for (int r = 0; r < rows; r++)
        {
            float[] x = new float[Columns];
            double z = 0;
            for (int i = 0; i < Columns; i++)
            {
                x[i] = (float)(random.NextDouble() * 2 - 1) * (i % 5 == 0 ? 100 : 1); // mixed scales
                z += w[i] * x[i] / (i % 5 == 0 ? 100 : 1);
            }

            z += 1.5 * x[1] * x[2] - x[3] * x[3] + 0.3 * (random.NextDouble() * 2 - 1);
            yield return new StreamRow { Label = z > 0, Features = x };
        }
    }

    /// <summary>One generated row.</summary>
    public sealed class StreamRow
    {
        public bool Label { get; set; }

        [VectorType(Columns)]
        public float[] Features { get; set; } = [];
    }
}
