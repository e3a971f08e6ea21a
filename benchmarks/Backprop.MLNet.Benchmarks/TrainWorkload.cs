using System.Diagnostics;
using Backprop.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// 200,000 × 100 rows, network 128 tanh / 64 sigmoid / sigmoid output, batch 256, plain SGD lr 0.1, 5 epochs,
/// shuffled: the training core on in-memory arrays, then BackpropMlp().Fit(IDataView) end to end.
/// </summary>
internal static class TrainWorkload
{
    public const int Columns = 100, H1 = 128, H2 = 64, Batch = 256;

    public static Dictionary<string, object> Run(bool quick, int threads, bool firstWorkload)
    {
        int rows = quick ? 20_000 : 200_000;
        int epochs = quick ? 1 : 5;
        (float[] x, float[] y) = SyntheticData.Dense(rows, Columns);
        var set = TrainingSet<float>.FromDense(x, rows, Columns, y);
        var settings = new MlpTrainingOptions
        {
            HiddenLayers = { new MlpLayer(H1, MlpActivation.Tanh), new MlpLayer(H2, MlpActivation.Sigmoid) },
            Optimizer = MlpOptimizer.Sgd, LearningRate = 0.1f, BatchSize = Batch, NumberOfEpochs = epochs, Shuffle = true, Seed = 1,
            L2Regularization = 0, EarlyStoppingPatience = 0, NumberOfThreads = threads, NormalizeFeatures = false, ValidationFraction = 0,
        };

        TrainingResult<float>? result = null;
        double core = Measure.MedianSeconds(quick ? 1 : 3, () => result = NetworkTrainer.Train(set, null, null, settings), warmUp: !quick);
        long peakAfterCore = Process.GetCurrentProcess().PeakWorkingSet64;
        double flops = 6.0 * rows * ((double)Columns * H1 + H1 * H2 + H2) * epochs;

        // End to end: the same rows as an IDataView, through the ML.NET trainer (reading, training, wrapping).
        var ml = new MLContext(seed: 1);
        IDataView view = ml.Data.LoadFromEnumerable(Rows(x, y, rows));
        var trainer = ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options
        {
            HiddenLayers = { new MlpLayer(H1, MlpActivation.Tanh), new MlpLayer(H2, MlpActivation.Sigmoid) },
            Optimizer = MlpOptimizer.Sgd, LearningRate = 0.1f, BatchSize = Batch, NumberOfEpochs = epochs, Shuffle = true, Seed = 1,
            L2Regularization = 0, NumberOfThreads = threads, NormalizeFeatures = false, ValidationFraction = 0, // the same work as the core run
        });

        // The other core is shared on small VMs, so runs minutes apart differ by more than the overhead being measured:
        // Fit is timed right after a core run, several times, and its overhead is the median of those pairs' ratios.
        if (!quick)
        {
            trainer.Fit(view); // warm-up
        }

        var fitSeconds = new List<double>();
        var pairRatios = new List<double>();
        for (int r = 0; r < (quick ? 1 : 5); r++)
        {
            var watch = Stopwatch.StartNew();
            NetworkTrainer.Train(set, null, null, settings);
            double coreRun = watch.Elapsed.TotalSeconds;
            watch.Restart();
            trainer.Fit(view);
            fitSeconds.Add(watch.Elapsed.TotalSeconds);
            pairRatios.Add(fitSeconds[^1] / coreRun);
        }

        long peakAfterFit = Process.GetCurrentProcess().PeakWorkingSet64;
        fitSeconds.Sort();
        pairRatios.Sort();

        return new Dictionary<string, object>
        {
            ["rows"] = rows,
            ["epochs"] = epochs,
            ["core_seconds"] = Measure.Round(core),
            ["core_samples_per_s"] = Math.Round(rows * epochs / core),
            ["core_gflops"] = Measure.Round(flops / core / 1e9, 2),
            ["mlnet_fit_seconds"] = Measure.Round(fitSeconds[fitSeconds.Count / 2]),
            ["mlnet_overhead_ratio"] = Measure.Round(pairRatios[pairRatios.Count / 2], 3),
            ["final_training_loss"] = Measure.Round(result!.History[^1].TrainingLoss),
            ["feature_matrix_mb"] = Measure.Round(rows * (double)Columns * sizeof(float) / 1e6, 1),
            ["peak_working_set_mb_after_core"] = Measure.Round(peakAfterCore / 1e6, 1),
            // The process's peak: it counts workloads run before this one too.
            ["peak_working_set_is_this_workloads"] = firstWorkload,
            // Includes the 200,000 row objects ML.NET's LoadFromEnumerable reads from (another copy of the features).
            ["peak_working_set_mb_after_mlnet_fit"] = Measure.Round(peakAfterFit / 1e6, 1),
        };
    }

    private static IEnumerable<Row> Rows(float[] x, float[] y, int rows)
    {
        for (int i = 0; i < rows; i++)
        {
            yield return new Row { Label = y[i] == 1, Features = x.AsSpan(i * Columns, Columns).ToArray() };
        }
    }

    /// <summary>One row as ML.NET reads it.</summary>
    public sealed class Row
    {
        public bool Label { get; set; }

        [VectorType(Columns)]
        public float[] Features { get; set; } = [];
    }
}
