using Backprop.MLNet.Training;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Text-like sparse input, ~100 non-zeros per row, 20,000 rows, at 4,000, 16,000 and 64,000 dimensions:
/// training time must follow the non-zeros, not the dimension (the ratio between the largest and smallest
/// dimension should stay near 1).
/// </summary>
internal static class SparseWorkload
{
    public static Dictionary<string, object> Run(bool quick, int threads)
    {
        int rows = quick ? 2_000 : 20_000;
        var result = new Dictionary<string, object> { ["rows"] = rows, ["non_zeros_per_row"] = 100 };
        var seconds = new Dictionary<int, double>();
        foreach (int dimensions in new[] { 4_000, 16_000, 64_000 })
        {
            TrainingSet<float> set = SyntheticData.Sparse(rows, dimensions, 100);
            var settings = new TrainingSettings
            {
                HiddenLayers = [new MlpLayer(128, MlpActivation.Tanh), new MlpLayer(64, MlpActivation.Sigmoid)],
                Optimizer = MlpOptimizer.Sgd, LearningRate = 0.1, BatchSize = 256, NumberOfEpochs = 2, Seed = 1,
                L2Regularization = 0, EarlyStoppingPatience = 0, MaxThreads = threads,
            };
            seconds[dimensions] = Measure.MedianSeconds(quick ? 1 : 3, () => NetworkTrainer.Train(set, null, null, settings)) / settings.NumberOfEpochs;
            result[$"seconds_per_epoch_d{dimensions}"] = Measure.Round(seconds[dimensions]);
        }

        result["ratio_d64000_over_d4000"] = Measure.Round(seconds[64_000] / seconds[4_000], 3);
        return result;
    }
}
