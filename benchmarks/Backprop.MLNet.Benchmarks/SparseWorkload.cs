using Backprop.MLNet.Training;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Text-like sparse input, ~100 non-zeros per row, 20,000 rows, at 16,000, 64,000 and 256,000 dimensions:
/// the cost of an epoch must follow the non-zeros, not the dimension (from 64,000 to 256,000 the ratio should
/// stay near 1; it doubles with the non-zeros). An epoch's cost is the time from the end of epoch 1 to the end of epoch 3 of one
/// run, halved, so the one-off initialisation of the d×128 first layer is not counted in it. Plain SGD updates only the rows a batch
/// uses; Adam updates all of W1 every batch unless LazySparseUpdates is on (both are measured).
/// </summary>
internal static class SparseWorkload
{
    public static Dictionary<string, object> Run(bool quick, int threads)
    {
        int rows = quick ? 2_000 : 20_000;
        var result = new Dictionary<string, object> { ["rows"] = rows, ["non_zeros_per_row"] = 100 };
        var seconds = new Dictionary<string, double>();
        // A batch of 256 rows × 100 non-zeros touches at most 25,600 rows of W1: beyond that dimension the work per
        // batch should stop growing (a smaller d makes batches share rows, so it costs less).
        (int D, int Nnz, string Optimizer)[] cases =
        [
            (16_000, 100, "sgd"), (64_000, 100, "sgd"), (256_000, 100, "sgd"), (64_000, 50, "sgd"), (64_000, 200, "sgd"),
            (64_000, 100, "adam"), (256_000, 100, "adam"), (64_000, 100, "adam_lazy"), (256_000, 100, "adam_lazy"),
        ];
        foreach ((int fullDimensions, int nonZeros, string optimizer) in cases)
        {
            int dimensions = quick ? fullDimensions / 16 : fullDimensions; // --quick only checks that it runs
            TrainingSet<float> set = SyntheticData.Sparse(rows, dimensions, nonZeros);
            var settings = new MlpTrainingOptions
            {
                HiddenLayers = { new MlpLayer(128, MlpActivation.Tanh), new MlpLayer(64, MlpActivation.Sigmoid) },
                Optimizer = optimizer == "sgd" ? MlpOptimizer.Sgd : MlpOptimizer.Adam, LearningRate = optimizer == "sgd" ? 0.1f : 0.001f,
                LazySparseUpdates = optimizer == "adam_lazy", BatchSize = 256, NumberOfEpochs = 3, Seed = 1,
                L2Regularization = 0, EarlyStoppingPatience = 0, NumberOfThreads = threads,
            };
            var (perEpoch, oneOff) = Measure.Median(quick ? 1 : 3, () => TimeEpochs(set, settings));
            string key = optimizer == "sgd" ? $"d{fullDimensions}_nnz{nonZeros}" : $"{optimizer}_d{fullDimensions}_nnz{nonZeros}";
            seconds[key] = perEpoch;
            result[$"seconds_per_epoch_{key}"] = Measure.Significant(perEpoch);
            result[$"seconds_one_off_{key}"] = Measure.Significant(oneOff);
        }

        double At(string key) => seconds[key];
        result["ratio_d256000_over_d64000"] = Measure.Round(At("d256000_nnz100") / At("d64000_nnz100"), 3);
        result["ratio_nnz200_over_nnz50_d64000"] = Measure.Round(At("d64000_nnz200") / At("d64000_nnz50"), 3);
        result["ratio_adam_d256000_over_d64000"] = Measure.Round(At("adam_d256000_nnz100") / At("adam_d64000_nnz100"), 3);
        result["ratio_adam_lazy_d256000_over_d64000"] = Measure.Round(At("adam_lazy_d256000_nnz100") / At("adam_lazy_d64000_nnz100"), 3);
        return result;
    }

    /// <summary>Trains 3 epochs and returns the cost of one epoch (mean of epochs 2–3) and of what happens before epoch 1 ends beyond that.</summary>
    private static (double PerEpoch, double OneOff) TimeEpochs(TrainingSet<float> set, MlpTrainingOptions settings)
    {
        var epochEnds = new List<double>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var observer = new TrainingObserver { EpochCompleted = _ => epochEnds.Add(watch.Elapsed.TotalSeconds) };
        NetworkTrainer.Train(set, null, null, settings, settings.Seed ?? 0, observer);
        double perEpoch = (epochEnds[2] - epochEnds[0]) / 2;
        return (perEpoch, Math.Max(0, epochEnds[0] - perEpoch));
    }
}
