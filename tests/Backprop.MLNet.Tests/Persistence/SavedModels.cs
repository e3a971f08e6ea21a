using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Backprop.MLNet.Tests.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.Persistence;

/// <summary>Shared pieces of the save/load tests: a trained pipeline, predictions as exact bits, the second process.</summary>
internal static class SavedModels
{
    public static TransformerChain<BinaryPredictionTransformer<BackpropMlpModelParameters>> TrainBreastCancer(MLContext ml, IDataView data) =>
        ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options { NumberOfEpochs = 10, LearningRate = 0.01f, Seed = 3 }))
            .Fit(data);

    /// <summary>Trains the breast-cancer pipeline in a seeded context and saves it as <paramref name="path"/>.</summary>
    public static (MLContext Ml, IDataView Data, TransformerChain<BinaryPredictionTransformer<BackpropMlpModelParameters>> Model) TrainAndSave(string path)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = DataSets.BreastCancer(ml);
        var model = TrainBreastCancer(ml, data);
        ml.Model.Save(model, data.Schema, path);
        return (ml, data, model);
    }

    /// <summary>Every row's Score and Probability bits and PredictedLabel, in the format of Backprop.MLNet.LoadCheck.</summary>
    public static List<string> Predictions(ITransformer model, IDataView data)
    {
        IDataView scored = model.Transform(data);
        var lines = new List<string>();
        using DataViewRowCursor cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name is "Score" or "Probability" or "PredictedLabel"));
        ValueGetter<float> score = cursor.GetGetter<float>(scored.Schema["Score"]);
        ValueGetter<float> probability = cursor.GetGetter<float>(scored.Schema["Probability"]);
        ValueGetter<bool> label = cursor.GetGetter<bool>(scored.Schema["PredictedLabel"]);
        float s = 0, p = 0;
        bool l = false;
        while (cursor.MoveNext())
        {
            score(ref s);
            probability(ref p);
            label(ref l);
            lines.Add(string.Join('\t', Bits(s), Bits(p), l ? "1" : "0"));
        }

        return lines;
    }

    /// <summary>
    /// Runs Backprop.MLNet.LoadCheck (or a copy built elsewhere) on a saved breast-cancer model; returns its comment lines
    /// (which name the last transformer and whether AVX2+FMA were on) and its prediction lines.
    /// </summary>
    /// <param name="modelPath">The saved model.</param>
    /// <param name="program">LoadCheck's assembly; null for the one built with the tests.</param>
    /// <param name="mode">null (a cursor over Transform), "--prediction-engine" or "--blocks" (TransformInBlocks).</param>
    /// <param name="environment">Extra environment variables of the process.</param>
    public static (string[] Comments, string[] Predictions) RunLoadCheck(
        string modelPath, string? program = null, string? mode = null, IDictionary<string, string>? environment = null)
    {
        string arguments = $"\"{program ?? Metadata("LoadCheckAssembly")}\" \"{modelPath}\" \"{DataSets.PathOf("breast-cancer.txt")}\" {mode}";
        string output = RunDotnet(arguments, environment: environment);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (lines.Where(l => l.StartsWith('#')).ToArray(), lines.Where(l => !l.StartsWith('#')).ToArray());
    }

    /// <summary>
    /// Runs LoadCheck in its general mode: <paramref name="rows"/> are saved as a binary IDataView, the model at
    /// <paramref name="modelPath"/> scores them in the new process, which prints <paramref name="columns"/> row by row.
    /// </summary>
    public static string[] RunLoadCheckColumns(MLContext ml, string modelPath, IDataView rows, string dataPath, params string[] columns)
    {
        using (FileStream file = System.IO.File.Create(dataPath))
        {
            ml.Data.SaveAsBinary(rows, file);
        }

        string output = RunDotnet($"\"{Metadata("LoadCheckAssembly")}\" \"{modelPath}\" \"{dataPath}\" --columns {string.Join(',', columns)}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith('#')).ToArray();
    }

    public static string Bits(float value) => BitConverter.SingleToInt32Bits(value).ToString("X8", CultureInfo.InvariantCulture);

    public static string Metadata(string key) =>
        typeof(SavedModels).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>Runs a program with `dotnet`, returning its standard output; fails the test with its error output otherwise.</summary>
    public static string RunDotnet(string arguments, string? workingDirectory = null, int timeoutSeconds = 300, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach ((string k, string v) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {arguments} did not finish in {timeoutSeconds} s.");
        }

        Assert.True(process.ExitCode == 0, $"dotnet {arguments} exited with {process.ExitCode}:\n{output.Result}\n{errors.Result}");
        return output.Result;
    }

    /// <summary>A temporary folder, deleted when disposed.</summary>
    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("backprop-mlnet-").FullName;

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
