using System.Diagnostics;
using Backprop.MLNet.Network;
using Backprop.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Scoring 200,000 rows: the batched core, Transform (ML.NET's row-by-row scorer) and TransformInBlocks (our block
/// scorer), each with a cursor reading Probability, and PredictionEngine latency; for reference, Transform with an
/// LbfgsLogisticRegression model on the same view.
/// </summary>
internal static class ScoreWorkload
{
    public static Dictionary<string, object> Run(bool quick)
    {
        int rows = quick ? 20_000 : 200_000;
        const int d = TrainWorkload.Columns;
        (float[] x, float[] y) = SyntheticData.Dense(rows, d);
        var layout = new ParameterLayout(d, [TrainWorkload.H1, TrainWorkload.H2]);
        NetworkParameters<float> net = WeightInitializer.Create<float>(layout, [MlpActivation.Tanh, MlpActivation.Sigmoid], new DeterministicRandom(1));
        var model = new BackpropMlpModelParameters(net, [], bestEpoch: 0);

        // The core: forward passes over blocks of 256 in-memory rows.
        var ws = new Workspace<float>(layout, 256);
        double core = Measure.MedianSeconds(quick ? 1 : 5, () =>
        {
            for (int first = 0; first < rows; first += 256)
            {
                int n = Math.Min(256, rows - first);
                Backpropagation.Forward(net, InputBatch<float>.FromDense(x.AsSpan(first * d, n * d), n, d), ws);
            }
        });

        var ml = new MLContext(seed: 1);
        var data = Enumerable.Range(0, rows).Select(i => new TrainWorkload.Row { Label = y[i] == 1, Features = x.AsSpan(i * d, d).ToArray() }).ToList();
        IDataView view = ml.Data.LoadFromEnumerable(data);
        BinaryPredictionTransformer<BackpropMlpModelParameters> transformer = BackpropMlpTransformerFactory.Create(ml, model, view.Schema, "Features");
        double sink = 0;
        double ReadProbabilities(IDataView scored)
        {
            using DataViewRowCursor cursor = scored.GetRowCursor([scored.Schema["Probability"]]);
            ValueGetter<float> probability = cursor.GetGetter<float>(scored.Schema["Probability"]);
            float p = 0;
            double sum = 0;
            while (cursor.MoveNext())
            {
                probability(ref p);
                sum += p;
            }

            return sum;
        }

        double transform = Measure.MedianSeconds(quick ? 1 : 5, () => sink += ReadProbabilities(transformer.Transform(view)));
        double blocks = Measure.MedianSeconds(quick ? 1 : 5, () => sink += ReadProbabilities(transformer.TransformInBlocks(view)));

        // ML.NET's row-by-row path on one thread: Transform's cursor splits the rows over at least two threads (ML.NET's
        // DataViewUtils.GetThreadCount), which on one CPU only adds hand-offs; its row-to-row mapper is the same scoring
        // without the split.
        IRowToRowMapper mapper = ((ITransformer)transformer).GetRowToRowMapper(view.Schema);
        double rowPath = Measure.MedianSeconds(quick ? 1 : 5, () =>
        {
            using DataViewRowCursor input = view.GetRowCursor(view.Schema);
            using DataViewRow row = mapper.GetRow(input, [mapper.OutputSchema["Probability"]]);
            ValueGetter<float> probability = row.GetGetter<float>(mapper.OutputSchema["Probability"]);
            float p = 0;
            while (input.MoveNext())
            {
                probability(ref p);
                sink += p;
            }
        });

        // ML.NET's own machinery with a trainer of its own (a 100-weight linear model and its calibrator): how fast
        // Transform can be on this view whatever the model, for comparison with ours.
        ITransformer linear = ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(ml.Data.TakeRows(view, 20_000));
        double linearTransform = Measure.MedianSeconds(quick ? 1 : 5, () => sink += ReadProbabilities(linear.Transform(view)));

        // Reading the same view without scoring: what the IDataView costs by itself.
        double readOnly = Measure.MedianSeconds(quick ? 1 : 5, () =>
        {
            using DataViewRowCursor cursor = view.GetRowCursor([view.Schema["Features"]]);
            ValueGetter<VBuffer<float>> features = cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]);
            VBuffer<float> buffer = default;
            while (cursor.MoveNext())
            {
                features(ref buffer);
            }
        });

        PredictionEngine<TrainWorkload.Row, Prediction> engine = ml.Model.CreatePredictionEngine<TrainWorkload.Row, Prediction>(transformer);
        int calls = quick ? 20_000 : 200_000;
        var prediction = new Prediction();
        double predict = Measure.MedianSeconds(quick ? 1 : 5, () =>
        {
            for (int i = 0; i < calls; i++)
            {
                engine.Predict(data[i % data.Count], ref prediction);
                sink += prediction.Probability;
            }
        });

        // Latency of the network alone on one row (what the engine adds on top is ML.NET's row plumbing).
        var one = new Workspace<float>(layout, 1);
        double single = Measure.MedianSeconds(quick ? 1 : 5, () =>
        {
            for (int i = 0; i < calls; i++)
            {
                Backpropagation.Forward(net, InputBatch<float>.FromDense(x.AsSpan(i % rows * d, d), 1, d), one);
            }
        });

        Debug.Assert(sink != 0);
        return new Dictionary<string, object>
        {
            ["rows"] = rows,
            ["core_rows_per_s_batch256"] = Math.Round(rows / core),
            ["transform_cursor_rows_per_s"] = Math.Round(rows / transform),
            ["transform_in_blocks_cursor_rows_per_s"] = Math.Round(rows / blocks),
            ["row_to_row_mapper_one_thread_rows_per_s"] = Math.Round(rows / rowPath),
            ["lbfgs_linear_transform_cursor_rows_per_s"] = Math.Round(rows / linearTransform),
            ["idataview_read_only_rows_per_s"] = Math.Round(rows / readOnly),
            ["prediction_engine_us"] = Measure.Round(predict / calls * 1e6, 3),
            ["core_single_row_us"] = Measure.Round(single / calls * 1e6, 3),
        };
    }

    /// <summary>What the prediction engine fills.</summary>
    public sealed class Prediction
    {
        public float Probability { get; set; }
    }
}
