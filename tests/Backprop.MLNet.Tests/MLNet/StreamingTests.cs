using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.MLNet;

/// <summary>
/// Fit streams the IDataView when its rows do not fit in the memory limit (forced here with InMemoryDataLimitMegabytes):
/// the same options, scaling, validation and early stopping, a model as good as in memory, reproducible by seed.
/// </summary>
[Trait("Category", "Slow")]
public class StreamingTests
{
    private static BackpropMlpTrainer.Options Options(int? limit) => new() { Seed = 3, NumberOfEpochs = 40, InMemoryDataLimitMegabytes = limit };

    private static (BinaryPredictionTransformer<BackpropMlpModelParameters> Model, List<string> Log) Train(MLContext ml, IDataView data, BackpropMlpTrainer.Options options)
    {
        var log = new List<string>();
        ml.Log += (_, e) => { lock (log) log.Add(e.RawMessage); };
        return (ml.BinaryClassification.Trainers.BackpropMlp(options).Fit(data), log);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StreamingDenseRowsIsAsGoodAsInMemoryAndSaysSo(bool cached)
    {
        var ml = new MLContext(seed: 1);
        IDataView raw = DataSets.BreastCancer(ml); // the text loader cannot shuffle; the cache can
        IDataView data = cached ? ml.Data.Cache(raw) : raw;
        var split = ml.Data.TrainTestSplit(data, 0.25, seed: 1);

        var (inMemory, memoryLog) = Train(new MLContext(seed: 1), split.TrainSet, Options(limit: null));
        var (streamed, streamLog) = Train(new MLContext(seed: 1), split.TrainSet, Options(limit: 0));
        Assert.DoesNotContain(memoryLog, m => m.StartsWith("Streaming", StringComparison.Ordinal));
        Assert.Contains(streamLog, m => m.StartsWith("Streaming the training rows: held in memory they would take more than InMemoryDataLimitMegabytes (0 MB)", StringComparison.Ordinal));
        Assert.Contains(streamLog, m => m.Contains("NaN/infinite features", StringComparison.Ordinal)); // the 16 rows with a missing value
        Assert.All(streamed.Model.History, r => Assert.NotNull(r.ValidationLoss));

        double Auc(ITransformer model) => ml.BinaryClassification.Evaluate(model.Transform(split.TestSet)).AreaUnderRocCurve;
        Assert.True(Auc(streamed) > Auc(inMemory) - 0.01, $"streamed AUC {Auc(streamed)}, in memory {Auc(inMemory)}");

        var (again, _) = Train(new MLContext(seed: 1), split.TrainSet, Options(limit: 0));
        Assert.Equal(streamed.Model.Network.Values, again.Model.Network.Values); // the same seed, the same model
    }

    [Fact]
    public void StreamingSparseWeightedRowsWorks()
    {
        var ml = new MLContext(seed: 1);
        IDataView adult = ml.Data.TakeRows(DataSets.Adult(ml), 4000);
        IDataView featurized = DataSets.AdultFeaturizer(ml).Fit(adult).Transform(adult);
        IDataView weighted = ml.Transforms.CustomMapping<WeightSource, WeightTarget>((input, output) => output.Weight = input.Age > 40 ? 2f : 1f, contractName: null)
            .Fit(featurized).Transform(featurized);
        var split = ml.Data.TrainTestSplit(weighted, 0.25, seed: 1);
        var options = Options(limit: 0);
        options.ExampleWeightColumnName = "Weight";
        var (streamed, log) = Train(new MLContext(seed: 1), split.TrainSet, options);
        options.InMemoryDataLimitMegabytes = null;
        var (inMemory, _) = Train(new MLContext(seed: 1), split.TrainSet, options);
        Assert.Contains(log, m => m.StartsWith("Streaming the training rows", StringComparison.Ordinal));
        double Auc(ITransformer model) => ml.BinaryClassification.Evaluate(model.Transform(split.TestSet)).AreaUnderRocCurve;
        Assert.True(Auc(streamed) > Auc(inMemory) - 0.01, $"streamed AUC {Auc(streamed)}, in memory {Auc(inMemory)}");
    }

    [Fact]
    public void FullBatchCannotStreamAndSaysWhatToDo()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(limit: 0);
        options.BatchSize = 0;
        var e = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.BackpropMlp(options).Fit(DataSets.BreastCancer(ml)));
        Assert.Contains("BatchSize 0", e.Message);
        Assert.Contains("InMemoryDataLimitMegabytes", e.Message);
    }

    [Fact]
    public void ANegativeLimitIsRejected()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.BackpropMlp(Options(limit: -1)));
        Assert.Equal("InMemoryDataLimitMegabytes", e.ParamName);
    }

    [Fact]
    public void HeldOutRowsAreKeptInMemoryFewerOfThemWhenATenthWouldNotFit()
    {
        // Rows from a generator (no row count known up front), limit 0: the held-out rows get 1 MB. A tenth of 10,000
        // rows of 40 features (170 KB) fits; a tenth of 100,000 (1.7 MB) does not, so after one counting pass a smaller
        // share is held out, and kept in memory too.
        static IEnumerable<StreamRow> Rows(int count)
        {
            var random = new Random(5);
            for (int i = 0; i < count; i++)
            {
                float[] x = Enumerable.Range(0, 40).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                yield return new StreamRow { Label = x[0] + x[1] * x[2] > 0, Features = x };
            }
        }

        foreach ((int count, int fewest, int most) in new[] { (10_000, 900, 1_100), (100_000, 1_000, 6_000) })
        {
            var ml = new MLContext(seed: 1);
            var options = Options(limit: 0);
            options.NumberOfEpochs = 2;
            var (model, log) = Train(ml, ml.Data.LoadFromEnumerable(Rows(count)), options);
            string message = Assert.Single(log, m => m.StartsWith("Streaming the training rows", StringComparison.Ordinal));
            var heldOut = System.Text.RegularExpressions.Regex.Match(message, @"holds out (\d+) rows \(about [^)]*\), kept in memory");
            Assert.True(heldOut.Success, message);
            Assert.InRange(int.Parse(heldOut.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), fewest, most);
            Assert.All(model.Model.History, r => Assert.True(r.ValidationLoss < 0.69, $"{count} rows: validation loss {r.ValidationLoss}"));
        }
    }

    [Fact]
    public void AValidationSetThatDoesNotFitIsStreamedToo()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(ml.Data.Cache(DataSets.BreastCancer(ml)), 0.3, seed: 1);
        var options = Options(limit: 0);
        options.NumberOfEpochs = 5;
        var trainer = ml.BinaryClassification.Trainers.BackpropMlp(options);
        var streamed = trainer.Fit(split.TrainSet, split.TestSet);
        options.InMemoryDataLimitMegabytes = null;
        var inMemory = ml.BinaryClassification.Trainers.BackpropMlp(options).Fit(split.TrainSet, split.TestSet);
        Assert.Equal(5, streamed.Model.History.Count);
        // The same validation rows either way: only the order of the training rows differs between the two paths.
        Assert.All(streamed.Model.History, r => Assert.InRange(r.ValidationLoss!.Value, 0.01, 0.69));
        Assert.Equal(inMemory.Model.History.Count, streamed.Model.History.Count);
    }

    [Fact]
    public void ABadRowFoundByTheBackgroundReaderIsTheSameClearError()
    {
        // The windows of a training pass are read on a background task: its error must reach Fit as itself, not
        // wrapped. The source breaks only once the passes before training (first-row checks, held-out rows, scaling
        // statistics) are over.
        var ml = new MLContext(seed: 1);
        var source = new BreaksLate(rows: 20_000, badFromPass: 5);
        var e = Assert.Throws<InvalidOperationException>(() => Train(ml, ml.Data.LoadFromEnumerable(source), Options(limit: 0)));
        Assert.Contains("has 39 values, but the column's type is Vector<Single, 40>", e.Message);
        Assert.True(source.Passes >= 5, $"the bad row was never read ({source.Passes} passes)");
    }

    /// <summary>Rows whose 15,000th has the wrong length from the given pass (GetEnumerator call) on.</summary>
    private sealed class BreaksLate(int rows, int badFromPass) : IEnumerable<StreamRow>
    {
        public int Passes { get; private set; }

        public IEnumerator<StreamRow> GetEnumerator()
        {
            bool bad = ++Passes >= badFromPass;
            for (int i = 0; i < rows; i++)
            {
                yield return new StreamRow { Label = i % 2 == 0, Features = new float[bad && i == 15_000 ? 39 : 40] };
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public void APassReusesOneWindowInsteadOfAllocatingTheData()
    {
        // 50,000 rows × 20 features (4 MB of features) read through windows of 64 KB: a pass that made a new window each
        // time would allocate about as much as the data (and, at full size, churn the large-object heap).
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 50_000)
            .Select(i => new DenseRow { Label = i % 3 == 0, Features = Enumerable.Range(0, 20).Select(j => (float)((i * 31 + j * 7) % 17)).ToArray() })
            .ToList();
        IDataView view = ml.Data.LoadFromEnumerable(rows);
        var source = new Backprop.MLNet.Integration.Data.StreamingBatches(
            view, view.Schema["Features"], view.Schema["Label"], weight: null, selection: null, batchRows: 32, windowBytes: 64 << 10, role: "training", throwIfCanceled: () => { });
        long Pass(int seed)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            int rowsRead = 0;
            source.BeginPass(new Backprop.MLNet.Training.DeterministicRandom(seed));
            while (source.NextBatch())
            {
                rowsRead += source.Labels.Length;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(50_000, rowsRead);
            return allocated;
        }

        Pass(1);
        long allocated = Pass(2);
        Assert.True(allocated < 1_000_000, $"a pass over 4 MB of features allocated {allocated} bytes");
    }

    public sealed class StreamRow
    {
        public bool Label { get; set; }

        [VectorType(40)]
        public float[] Features { get; set; } = [];
    }

    public sealed class DenseRow
    {
        public bool Label { get; set; }

        [VectorType(20)]
        public float[] Features { get; set; } = [];
    }

    public sealed class WeightSource
    {
        public float Age { get; set; }
    }

    public sealed class WeightTarget
    {
        public float Weight { get; set; }
    }
}
