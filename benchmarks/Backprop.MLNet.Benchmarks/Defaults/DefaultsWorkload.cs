using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Benchmarks.Defaults;

/// <summary>
/// "Swap the trainer line": on each data set, the same featurisation (no normaliser) followed by BackpropMlp with its
/// defaults, BackpropMlp with version 1's defaults, or LbfgsLogisticRegression; 5-fold CrossValidate AUC and time for
/// seeds 1–5. Figures only; the targets are judged by whoever reads them.
/// </summary>
internal static class DefaultsWorkload
{
    /// <summary>The trainers compared, by name ("mlp_custom" is the defaults changed by --mlp Name=value,...).</summary>
    private static (string Name, Func<MLContext, IEstimator<ITransformer>> Create)[] Trainers(string? custom) =>
    [
        ("mlp", ml => ml.BinaryClassification.Trainers.BackpropMlp()),
        ("mlp_custom", ml => ml.BinaryClassification.Trainers.BackpropMlp(Custom(custom))),
        ("mlp_v1", ml => ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options
        {
            NormalizeFeatures = false, ValidationFraction = 0, LazySparseUpdates = false, NumberOfEpochs = 100, LearningRate = 0.001f, BatchSize = 32,
        })),
        ("lbfgs", ml => ml.BinaryClassification.Trainers.LbfgsLogisticRegression()),
    ];

    /// <summary>Default options with properties set from "Name=value,Name=value" (numbers, booleans, enum names; HiddenLayers=64,32).</summary>
    private static BackpropMlpTrainer.Options Custom(string? settings)
    {
        var options = new BackpropMlpTrainer.Options();
        foreach (string pair in (settings ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            if (kv[0] == "HiddenLayers")
            {
                options.HiddenLayers.SetSizes(kv[1].Split(',').Select(int.Parse).ToArray());
                continue;
            }

            var property = typeof(BackpropMlpTrainer.Options).GetProperty(kv[0]) ?? throw new ArgumentException($"No option {kv[0]}.");
            Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            property.SetValue(options, type.IsEnum ? Enum.Parse(type, kv[1]) : Convert.ChangeType(kv[1], type, System.Globalization.CultureInfo.InvariantCulture));
        }

        return options;
    }

    public static Dictionary<string, object> Run(bool quick, string? textPath, string? only, string? trainers, string? custom)
    {
        var result = new Dictionary<string, object>();
        int[] seeds = quick ? [1] : [1, 2, 3, 4, 5];
        foreach (SwapDataSet set in SwapDataSets.All(quick, textPath).Where(s => only is null || only.Split(',').Contains(s.Name)))
        {
            foreach (var (name, create) in Trainers(custom).Where(t => trainers is null ? t.Name != "mlp_custom" : trainers.Split(',').Contains(t.Name)))
            {
                var aucs = new List<double>();
                var seconds = new List<double>();
                int constantFolds = 0;

                // One untimed fit first, so the first seed's time holds no JIT compilation of the featurizers or the trainer.
                var warmUp = new MLContext(seed: 0);
                IDataView warmUpData = warmUp.Data.Cache(set.Load(warmUp));
                (set.Featurizer is null ? create(warmUp) : set.Featurizer(warmUp).Append(create(warmUp))).Fit(warmUpData);
                foreach (int seed in seeds)
                {
                    var ml = new MLContext(seed: seed);
                    IDataView data = ml.Data.Cache(set.Load(ml));
                    IEstimator<ITransformer> pipeline = set.Featurizer is null ? create(ml) : set.Featurizer(ml).Append(create(ml));
                    var watch = Stopwatch.StartNew();
                    var folds = ml.BinaryClassification.CrossValidateNonCalibrated(data, pipeline, numberOfFolds: quick ? 2 : 5, seed: seed);
                    seconds.Add(watch.Elapsed.TotalSeconds);
                    aucs.Add(folds.Average(f => f.Metrics.AreaUnderRocCurve));
                    constantFolds += folds.Count(f => IsConstant(f.ScoredHoldOutSet));
                }

                result[$"{set.Name}_{name}_auc_by_seed"] = aucs.Select(a => Measure.Round(a)).ToArray();
                result[$"{set.Name}_{name}_seconds_by_seed"] = seconds.Select(s => Measure.Significant(s, 3)).ToArray();
                result[$"{set.Name}_{name}_constant_folds"] = constantFolds;
                Console.Error.WriteLine($"{set.Name,-24} {name,-7} AUC {string.Join(" ", aucs.Select(a => a.ToString("F4")))}  s {string.Join(" ", seconds.Select(s => s.ToString("F1")))}  constant folds {constantFolds}");
            }
        }

        return result;
    }

    /// <summary>Whether every row of a fold got the same score (a model that learned nothing).</summary>
    private static bool IsConstant(IDataView scored)
    {
        float[] scores = scored.GetColumn<float>("Score").Where(float.IsFinite).ToArray();
        return scores.Length == 0 || scores.Max() - scores.Min() < 1e-6f;
    }
}
