using Backprop.MLNet.Training;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Text-like sparse input, ~100 non-zeros per row, 20,000 rows, at 4,000, 16,000 and 64,000 dimensions:
/// the cost of an epoch must follow the non-zeros, not the dimension (the ratio between the largest and smallest
/// dimension should stay near 1). An epoch's cost is measured as (time of 3 epochs − time of 1 epoch)/2, so the
/// one-off initialisation of the d×128 first layer is not counted in it. Plain SGD updates only the rows a batch
/// uses; Adam updates all of W1 every batch unless LazySparseUpdates is on (both are measured).
/// </summary>
internal static class SparseWorkload
{
    public static Dictionary<string, object> Run(bool quick, int threads)
    {
        int rows = quick ? 2_000 : 20_000;
        var result = new Dictionary<string, object> { ["rows"] = rows, ["non_zeros_per_row"] = 100 };
        var seconds = new Dictionary<string, double>();
        (int D, int Nnz, string Optimizer)[] cases =
        [
            (4_000, 100, "sgd"), (16_000, 100, "sgd"), (64_000, 100, "sgd"), (16_000, 50, "sgd"), (16_000, 200, "sgd"),
            (4_000, 100, "adam"), (64_000, 100, "adam"), (4_000, 100, "adam_lazy"), (64_000, 100, "adam_lazy"),
        ];
        foreach ((int dimensions, int nonZeros, string optimizer) in cases)
        {
            TrainingSet<float> set = SyntheticData.Sparse(rows, dimensions, nonZeros);
            var settings = new TrainingSettings
            {
                HiddenLayers = [new MlpLayer(128, MlpActivation.Tanh), new MlpLayer(64, MlpActivation.Sigmoid)],
                Optimizer = optimizer == "sgd" ? MlpOptimizer.Sgd : MlpOptimizer.Adam, LearningRate = optimizer == "sgd" ? 0.1 : 0.001,
                LazySparseUpdates = optimizer == "adam_lazy", BatchSize = 256, NumberOfEpochs = 1, Seed = 1,
                L2Regularization = 0, EarlyStoppingPatience = 0, MaxThreads = threads,
            };
            double one = Measure.MedianSeconds(quick ? 1 : 3, () => NetworkTrainer.Train(set, null, null, settings));
            double three = Measure.MedianSeconds(quick ? 1 : 3, () => NetworkTrainer.Train(set, null, null, settings with { NumberOfEpochs = 3 }));
            double perEpoch = Math.Max(1e-6, (three - one) / 2);
            string key = optimizer == "sgd" ? $"d{dimensions}_nnz{nonZeros}" : $"{optimizer}_d{dimensions}_nnz{nonZeros}";
            seconds[key] = perEpoch;
            result[$"seconds_per_epoch_{key}"] = Measure.Round(perEpoch);
            result[$"seconds_one_off_{key}"] = Measure.Round(Math.Max(0, one - perEpoch));
        }

        double At(string key) => seconds[key];
        result["ratio_d64000_over_d4000"] = Measure.Round(At("d64000_nnz100") / At("d4000_nnz100"), 3);
        result["ratio_nnz200_over_nnz50_d16000"] = Measure.Round(At("d16000_nnz200") / At("d16000_nnz50"), 3);
        result["ratio_adam_d64000_over_d4000"] = Measure.Round(At("adam_d64000_nnz100") / At("adam_d4000_nnz100"), 3);
        result["ratio_adam_lazy_d64000_over_d4000"] = Measure.Round(At("adam_lazy_d64000_nnz100") / At("adam_lazy_d4000_nnz100"), 3);
        return result;
    }
}
