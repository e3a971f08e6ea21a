using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Backprop.MLNet.Tests.MLNet;

/// <summary>BackpropMlp inside ML.NET's machinery: cross-validation, PFI, prediction engines, annotations, logging.</summary>
public class PipelineTests
{
    public sealed class CancerRow
    {
        public bool Label { get; set; }

        [VectorType(9)]
        public float[] Features { get; set; } = [];
    }

    public sealed class Prediction
    {
        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    private static EstimatorChain<BinaryPredictionTransformer<BackpropMlpModelParameters>> Pipeline(MLContext ml, int epochs = 30) =>
        ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.BinaryClassification.Trainers.BackpropMlp(hiddenLayerSizes: [16, 8], numberOfEpochs: epochs, learningRate: 0.01f));

    [Fact]
    public void CrossValidateRunsEveryFold()
    {
        var ml = new MLContext(seed: 1);
        var results = ml.BinaryClassification.CrossValidate(DataSets.BreastCancer(ml), Pipeline(ml), numberOfFolds: 5);
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.True(r.Metrics.AreaUnderRocCurve > 0.95, $"fold AUC {r.Metrics.AreaUnderRocCurve} acc {r.Metrics.Accuracy} logloss {r.Metrics.LogLoss}"));
        Assert.All(results, r => Assert.IsType<BinaryPredictionTransformer<BackpropMlpModelParameters>>(((TransformerChain<BinaryPredictionTransformer<BackpropMlpModelParameters>>)r.Model).LastTransformer));
    }

    [Fact]
    public void PermutationFeatureImportanceRanksFeatures()
    {
        var ml = new MLContext(seed: 1);
        var data = DataSets.BreastCancer(ml);
        var model = Pipeline(ml).Fit(data);
        var last = model.LastTransformer;
        IDataView featurized = model.Take(model.Count() - 1).Aggregate(data, (d, t) => t.Transform(d));
        var pfi = ml.BinaryClassification.PermutationFeatureImportance(last, featurized, permutationCount: 1);
        Assert.Equal(9, pfi.Length);
        // Permuting an informative feature must hurt the AUC somewhere; nothing may improve it a lot.
        Assert.Contains(pfi, p => p.AreaUnderRocCurve.Mean < -0.001);
        Assert.All(pfi, p => Assert.True(p.AreaUnderRocCurve.Mean < 0.02));
    }

    [Fact]
    public void PredictionEngineAgreesWithTransform()
    {
        var ml = new MLContext(seed: 1);
        var data = DataSets.BreastCancer(ml);
        var model = Pipeline(ml).Fit(data);
        var rows = ml.Data.CreateEnumerable<CancerRow>(data, reuseRowObject: false).Where(r => r.Features.All(float.IsFinite)).Take(300).ToList();
        var batch = ml.Data.CreateEnumerable<Prediction>(model.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToList();
        var engine = ml.Model.CreatePredictionEngine<CancerRow, Prediction>(model);
        Assert.Equal(300, batch.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Prediction single = engine.Predict(rows[i]);
            Assert.True(batch[i].Score == single.Score, $"row {i}: block score {batch[i].Score:R}, single-row score {single.Score:R}");
            Assert.True(batch[i].Probability == single.Probability, $"row {i}: block probability {batch[i].Probability:R}, single-row {single.Probability:R}");
            Assert.Equal(batch[i].PredictedLabel, single.PredictedLabel);
            Assert.Equal(single.Score > 0, single.PredictedLabel);
            Assert.True(Math.Abs(1 / (1 + Math.Exp(-single.Score)) - single.Probability) <= 1e-6);
        }
    }

    [Fact]
    public void TransformInBlocksReadsABlockAheadAndOnlyWhenAScoreIsRead()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.BinaryClassification.Trainers.BackpropMlp(numberOfEpochs: 1).Fit(DataSets.BreastCancer(ml));
        IDataView input = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 1000).Select(i => new CountingRow { Label = i % 2 == 0 }).ToList());
        CountingRow.FeatureReads = 0;
        IDataView scored = model.TransformInBlocks(input);
        Assert.Equal(1000, scored.GetColumn<bool>("Label").Count());
        Assert.Equal(0, CountingRow.FeatureReads); // lazy: no score asked, no feature read

        using DataViewRowCursor cursor = scored.GetRowCursor([scored.Schema["Score"]]);
        ValueGetter<float> score = cursor.GetGetter<float>(scored.Schema["Score"]);
        float value = 0;
        Assert.True(cursor.MoveNext());
        score(ref value);
        Assert.Equal(256, CountingRow.FeatureReads); // the first score read a whole block of rows ahead
        int rows = 1;
        while (cursor.MoveNext())
        {
            score(ref value);
            rows++;
        }

        Assert.Equal(1000, rows);
        Assert.Equal(1000, CountingRow.FeatureReads); // and each row once
    }

    [Fact]
    public void ScoresAreTheSameReadTwiceOrInAnyOrder()
    {
        var ml = new MLContext(seed: 1);
        var data = DataSets.BreastCancer(ml);
        var model = Pipeline(ml, epochs: 5).Fit(data);
        IDataView scored = model.Transform(ml.Data.Cache(data)); // cached, so that a cursor can shuffle it
        // Reading only the label never computes a score; reading scores twice gives the same values.
        Assert.Equal(699, scored.GetColumn<bool>("Label").Count());
        float[] first = scored.GetColumn<float>("Score").ToArray();
        float[] second = scored.GetColumn<float>("Score").ToArray();
        Assert.Equal(first, second);
        Assert.Equal(16, first.Count(float.IsNaN)); // rows with a missing feature score NaN, not silently a number

        // A shuffled cursor gives the same score for the same row.
        List<(DataViewRowId Id, float Value)> shuffled, inOrder;
        using (DataViewRowCursor cursor = scored.GetRowCursor(scored.Schema, new Random(3)))
        {
            shuffled = ValuesById(cursor, scored.Schema["Score"]);
        }

        using (DataViewRowCursor cursor = scored.GetRowCursor(scored.Schema))
        {
            inOrder = ValuesById(cursor, scored.Schema["Score"]);
        }

        Assert.NotEqual(inOrder.Select(r => r.Id), shuffled.Select(r => r.Id)); // it really was shuffled
        var byId = shuffled.ToDictionary(r => r.Id, r => r.Value);
        Assert.All(inOrder, r => Assert.True(
            float.IsNaN(r.Value) ? float.IsNaN(byId[r.Id]) : byId[r.Id] == r.Value, $"row {r.Id}: shuffled {byId[r.Id]:R}, in order {r.Value:R}"));
    }

    /// <summary>Every remaining row's id and value of <paramref name="column"/>, in the cursor's order.</summary>
    private static List<(DataViewRowId Id, float Value)> ValuesById(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var rows = new List<(DataViewRowId, float)>();
        ValueGetter<DataViewRowId> id = cursor.GetIdGetter();
        ValueGetter<float> value = cursor.GetGetter<float>(column);
        DataViewRowId rowId = default;
        float v = 0;
        while (cursor.MoveNext())
        {
            id(ref rowId);
            value(ref v);
            rows.Add((rowId, v));
        }

        return rows;
    }

    /// <summary>A row whose feature vector counts how often ML.NET reads it.</summary>
    public sealed class CountingRow
    {
        public static int FeatureReads;

        private readonly float[] features = [1, 2, 3, 4, 5, 6, 7, 8, 9];

        public bool Label { get; set; }

        [VectorType(9)]
        public float[] Features
        {
            get
            {
                Interlocked.Increment(ref FeatureReads);
                return features;
            }

            set { }
        }
    }

    [Fact]
    public void NothingIsScoredUntilAScoreIsRead()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.BinaryClassification.Trainers.BackpropMlp(numberOfEpochs: 1).Fit(ml.Transforms.NormalizeMinMax("Features").Fit(DataSets.BreastCancer(ml)).Transform(DataSets.BreastCancer(ml)));
        IDataView input = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 1000).Select(i => new CountingRow { Label = i % 2 == 0 }).ToList());
        CountingRow.FeatureReads = 0;
        IDataView scored = model.Transform(input);
        Assert.Equal(1000, scored.GetColumn<bool>("Label").Count());
        Assert.Equal(0, CountingRow.FeatureReads);
        Assert.Equal(1000, scored.GetColumn<float>("Probability").Count());
        Assert.Equal(1000, CountingRow.FeatureReads); // each row's features read once
    }

    /// <summary>Rows that can be enumerated once only, each with new random features (neither repeatable nor re-readable).</summary>
    private static IEnumerable<CancerRow> SinglePassRandomRows(int count)
    {
        var random = new Random(7);
        for (int i = 0; i < count; i++)
        {
            yield return new CancerRow { Label = i % 2 == 0, Features = Enumerable.Range(0, 9).Select(_ => (float)random.NextDouble()).ToArray() };
        }
    }

    private sealed class EnumerateOnce<T>(IEnumerable<T> rows) : IEnumerable<T>
    {
        private int enumerations;

        public IEnumerator<T> GetEnumerator() => Interlocked.Increment(ref enumerations) == 1
            ? rows.GetEnumerator()
            : throw new InvalidOperationException("This source can be enumerated once only.");

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public void ASinglePassNonRepeatableInputIsScoredRowByRowCorrectly()
    {
        var ml = new MLContext(seed: 1);
        var mlp = ml.BinaryClassification.Trainers.BackpropMlp(numberOfEpochs: 2).Fit(DataSets.BreastCancer(ml));
        var engine = ml.Model.CreatePredictionEngine<CancerRow, Prediction>(mlp);
        IDataView scored = mlp.Transform(ml.Data.LoadFromEnumerable(new EnumerateOnce<CancerRow>(SinglePassRandomRows(700))));

        int rows = 0;
        using DataViewRowCursor cursor = scored.GetRowCursor(scored.Schema);
        ValueGetter<VBuffer<float>> features = cursor.GetGetter<VBuffer<float>>(scored.Schema["Features"]);
        ValueGetter<float> score = cursor.GetGetter<float>(scored.Schema["Score"]);
        VBuffer<float> x = default;
        float s = 0;
        while (cursor.MoveNext())
        {
            features(ref x);
            score(ref s);
            Assert.Equal(engine.Predict(new CancerRow { Features = x.DenseValues().ToArray() }).Score, s); // the score of this row's features
            rows++;
        }

        Assert.Equal(700, rows);
    }

    [Fact]
    public void TheScoringCursorEndsAndDisposesAsMlNetCursorsDo()
    {
        var ml = new MLContext(seed: 1);
        var mlp = ml.BinaryClassification.Trainers.BackpropMlp(numberOfEpochs: 1).Fit(DataSets.BreastCancer(ml));
        IDataView scored = mlp.Transform(DataSets.BreastCancer(ml));

        using (DataViewRowCursor cursor = scored.GetRowCursor(scored.Schema))
        {
            ValueGetter<float> score = cursor.GetGetter<float>(scored.Schema["Score"]);
            float s = 0;
            Assert.Equal(-1, cursor.Position);
            Assert.Throws<InvalidOperationException>(() => score(ref s));
            while (cursor.MoveNext())
            {
                score(ref s);
            }

            Assert.Equal(-1, cursor.Position); // ML.NET's loops over groups stop on Position < 0
            Assert.False(cursor.MoveNext());
            Assert.Throws<InvalidOperationException>(() => score(ref s));
        }

        DataViewRowCursor disposed = scored.GetRowCursor(scored.Schema);
        Assert.True(disposed.MoveNext());
        Assert.True(disposed.MoveNext());
        disposed.Dispose();
        Assert.False(disposed.MoveNext()); // the rows read ahead are not handed out after Dispose
        Assert.Equal(-1, disposed.Position);
    }

    [Fact]
    public void UpstreamTransformsRunOncePerRowWhenFeaturesAndScoresAreRead()
    {
        var ml = new MLContext(seed: 1);
        var mlp = ml.BinaryClassification.Trainers.BackpropMlp(numberOfEpochs: 1).Fit(DataSets.BreastCancer(ml));
        int calls = 0;
        var counting = ml.Transforms.CustomMapping<CancerRow, CancerRow>((input, output) =>
        {
            Interlocked.Increment(ref calls);
            output.Label = input.Label;
            output.Features = input.Features;
        }, contractName: null);
        IDataView input = ml.Data.LoadFromEnumerable(SinglePassRandomRows(500).ToList());
        IDataView scored = mlp.Transform(counting.Fit(input).Transform(input));
        var all = ml.Data.CreateEnumerable<ScoredCancerRow>(scored, reuseRowObject: false).ToList();
        Assert.Equal(500, all.Count);
        Assert.Equal(500, calls);
    }

    public sealed class ScoredCancerRow
    {
        public bool Label { get; set; }

        [VectorType(9)]
        public float[] Features { get; set; } = [];

        public float Score { get; set; }

        public float Probability { get; set; }
    }

    [Fact]
    public void ACursorSetSplitsTheRowsAndScoresEachLikeOneCursor()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.Cache(DataSets.BreastCancer(ml));
        var model = Pipeline(ml, epochs: 3).Fit(data);
        IDataView scored = model.Transform(data);
        Dictionary<DataViewRowId, float> expected;
        using (DataViewRowCursor one = scored.GetRowCursor(scored.Schema))
        {
            expected = ValuesById(one, scored.Schema["Probability"]).ToDictionary(r => r.Id, r => r.Value);
        }

        DataViewRowCursor[] set = scored.GetRowCursorSet(scored.Schema, 3);
        Assert.True(set.Length > 1, "a cached input gives several cursors");
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<DataViewRowId, float>();
        Parallel.ForEach(set, cursor =>
        {
            using (cursor)
            {
                foreach ((DataViewRowId id, float p) in ValuesById(cursor, scored.Schema["Probability"]))
                {
                    Assert.True(seen.TryAdd(id, p), $"row {id} delivered twice");
                }
            }
        });
        Assert.Equal(expected.Count, seen.Count);
        Assert.All(expected, e => Assert.Equal(e.Value, seen[e.Key]));
    }

    [Fact]
    public void ParallelCursorsScoreIndependently()
    {
        var ml = new MLContext(seed: 1);
        var data = DataSets.BreastCancer(ml);
        var model = Pipeline(ml, epochs: 5).Fit(data);
        IDataView scored = model.Transform(data);
        float[] expected = scored.GetColumn<float>("Probability").ToArray();
        var results = new float[4][];
        Parallel.For(0, 4, i => results[i] = scored.GetColumn<float>("Probability").ToArray());
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void ScoreColumnsComeInTheOrderOfMlNetsBinaryScorer()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = DataSets.BreastCancer(ml);
        string[] Last3(DataViewSchema schema) => schema.Skip(schema.Count - 3).Select(c => c.Name).ToArray();
        var lbfgs = ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(data);
        var mlp = ml.BinaryClassification.Trainers.BackpropMlp(numberOfEpochs: 1).Fit(data);
        Assert.Equal(Last3(lbfgs.Transform(data).Schema), Last3(mlp.Transform(data).Schema));
        Assert.Equal(Last3(lbfgs.GetOutputSchema(data.Schema)), Last3(mlp.GetOutputSchema(data.Schema)));
    }

    [Fact]
    public void ScoreColumnsCarryTheBinaryScorerAnnotations()
    {
        var ml = new MLContext(seed: 1);
        var data = DataSets.BreastCancer(ml);
        var model = Pipeline(ml, epochs: 2).Fit(data);
        DataViewSchema schema = model.Transform(data).Schema;
        foreach ((string column, string kind) in new[] { ("Score", "Score"), ("Probability", "Probability"), ("PredictedLabel", "PredictedLabel") })
        {
            var annotations = schema[column].Annotations;
            ReadOnlyMemory<char> value = default;
            annotations.GetValue("ScoreColumnKind", ref value);
            Assert.Equal("BinaryClassification", value.ToString());
            annotations.GetValue("ScoreValueKind", ref value);
            Assert.Equal(kind, value.ToString());
            uint setId = 0;
            annotations.GetValue("ScoreColumnSetId", ref setId);
            Assert.Equal(1u, setId);
        }

        bool normalized = false;
        schema["Probability"].Annotations.GetValue("IsNormalized", ref normalized);
        Assert.True(normalized);
        Assert.Equal(NumberDataViewType.Single, schema["Score"].Type);
        Assert.Equal(BooleanDataViewType.Instance, schema["PredictedLabel"].Type);

        // A calibrator can be chained after it, reading those annotations.
        var calibrated = Pipeline(ml, epochs: 2).Append(ml.BinaryClassification.Calibrators.Platt()).Fit(data);
        var metrics = ml.BinaryClassification.Evaluate(calibrated.Transform(data));
        Assert.True(metrics.AreaUnderRocCurve > 0.9);
    }

    [Fact]
    public void SameSeedGivesIdenticalModels()
    {
        float[] Train(int seed)
        {
            var ml = new MLContext(seed: seed);
            var model = Pipeline(ml, epochs: 5).Fit(DataSets.BreastCancer(ml)).LastTransformer;
            return model.Model.HiddenLayers[0].Weights.ToRowMajorArray().Concat(model.Model.OutputWeights).ToArray();
        }

        Assert.Equal(Train(5), Train(5));
        Assert.NotEqual(Train(5), Train(6));
    }

    [Fact]
    public void LogsThroughTheContextAndHonoursCancellation()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.RawMessage); };
        var data = ml.Transforms.NormalizeMinMax("Features").Fit(DataSets.BreastCancer(ml)).Transform(DataSets.BreastCancer(ml));
        ml.BinaryClassification.Trainers.BackpropMlp(numberOfEpochs: 3).Fit(data);
        Assert.Contains(messages, m => m.StartsWith("Training BackpropMlp 9→32 Tanh→16 Sigmoid→1"));
        Assert.Contains(messages, m => m.StartsWith("Epoch 3: training loss"));
        Assert.Contains(messages, m => m.StartsWith("Finished training after 3 epochs"));
        Assert.Contains(messages, m => m.Contains("Skipped 16 of 699 training rows"));

        var cancelled = new MLContext(seed: 1);
        var trainer = cancelled.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options
        {
            NumberOfEpochs = 100000, ValidationFraction = 0, // no early stop: only the cancellation ends it
            Progress = new SynchronousProgress(r => { if (r.Epoch == 3) CancelExecution(cancelled); }),
        });
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(data));
    }

    [Fact]
    public void ValidationDataDrivesEarlyStoppingAndHistory()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(ml.Transforms.NormalizeMinMax("Features").Fit(DataSets.BreastCancer(ml)).Transform(DataSets.BreastCancer(ml)), 0.3, seed: 2);
        var trainer = ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options { NumberOfEpochs = 400, LearningRate = 0.05f, EarlyStoppingPatience = 5 });
        var fitted = trainer.Fit(split.TrainSet, split.TestSet);
        var history = fitted.Model.History;
        Assert.True(history.Count < 400, "early stopping should end a 400-epoch run");
        Assert.All(history, h => Assert.NotNull(h.ValidationLoss));
        Assert.Equal(history.Count - 5, fitted.Model.BestEpoch); // patience 5, best weights restored
        Assert.Equal(history.Min(h => h.ValidationLoss), history[fitted.Model.BestEpoch - 1].ValidationLoss);
    }

    /// <summary>MLContext.CancelExecution is internal in ML.NET 5 (AutoML uses it); reach it as AutoML would.</summary>
    private static void CancelExecution(MLContext ml) =>
        typeof(MLContext).GetMethod("CancelExecution", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.Invoke(ml, null);

    /// <summary>Calls the handler on the reporting thread (Progress&lt;T&gt; would post asynchronously).</summary>
    private sealed class SynchronousProgress(Action<MlpEpochRecord> handler) : IProgress<MlpEpochRecord>
    {
        public void Report(MlpEpochRecord value) => handler(value);
    }
}
