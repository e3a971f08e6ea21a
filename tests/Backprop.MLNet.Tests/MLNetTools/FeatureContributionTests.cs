using Backprop.MLNet.Network;
using Backprop.MLNet.Tests.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace Backprop.MLNet.Tests.MLNetTools;

/// <summary>
/// <c>mlContext.Transforms.CalculateFeatureContribution</c> with BackpropMlp: integrated gradients from the all-zero
/// feature vector, checked for completeness (they add up to Score(x) − Score(0)) and against an independent oracle
/// (finite differences of the score along the path, integrated on a fine grid).
/// </summary>
public class FeatureContributionTests(ITestOutputHelper output)
{
    [Fact]
    public void DenseContributionsAddUpToTheScoreDifferenceAndMatchFiniteDifferences()
    {
        var (ml, data, model) = ToolPipelines.Dense(new MlpLayer(16, MlpActivation.Tanh), new MlpLayer(8, MlpActivation.Sigmoid));
        BackpropMlpModelParameters network = model.LastTransformer.Model;
        IDataView features = model.Take(model.Count() - 1).Aggregate(data, (view, t) => t.Transform(view));

        // Loaded from a file, as a user scoring elsewhere would have it.
        using var temp = new SavedModels.TempFolder();
        var loaded = (TransformerChain<ITransformer>)ToolPipelines.SaveAndLoad(ml, model, data.Schema, temp.File("model.zip"));
        var last = (ISingleFeaturePredictionTransformer<BackpropMlpModelParameters>)loaded.LastTransformer;
        var contributions = ml.Transforms.CalculateFeatureContribution(last, numberOfPositiveContributions: 9, numberOfNegativeContributions: 9, normalize: false)
            .Fit(features).Transform(features);
        float[][] perRow = contributions.GetColumn<float[]>("FeatureContributions").ToArray();
        float[] scores = last.Transform(features).GetColumn<float>("Score").ToArray();
        float[][] inputs = features.GetColumn<float[]>("Features").ToArray();
        float zero = network.PredictLogit(new float[9]);

        double worst = 0;
        for (int row = 0; row < perRow.Length; row++)
        {
            double gap = scores[row] - zero;
            double sum = perRow[row].Sum(c => (double)c);
            Assert.True(Math.Abs(sum - gap) <= 0.01 * Math.Abs(gap) + 1e-4, $"row {row}: contributions add up to {sum}, Score(x) − Score(0) = {gap}");
            worst = Math.Max(worst, Math.Abs(sum - gap) / Math.Max(Math.Abs(gap), 1e-3));
        }

        output.WriteLine($"{perRow.Length} rows: largest completeness error {worst:P3} of Score(x) − Score(0)");

        for (int row = 0; row < perRow.Length; row += 97)
        {
            double[] oracle = FiniteDifferenceIntegratedGradients(network, inputs[row]);
            for (int i = 0; i < 9; i++)
            {
                Assert.True(Math.Abs(oracle[i] - perRow[row][i]) <= 2e-3 * (1 + Math.Abs(oracle[i])), $"row {row}, feature {i}: {perRow[row][i]} vs oracle {oracle[i]}");
            }
        }
    }

    [Fact]
    public void SparseOneHotContributionsAddUpAndZeroFeaturesContributeNothing()
    {
        var (ml, data, model) = ToolPipelines.OneHot();
        ITransformer[] steps = ((IEnumerable<ITransformer>)model).ToArray();
        var last = (BinaryPredictionTransformer<BackpropMlpModelParameters>)steps[^1];
        IDataView features = ml.Data.TakeRows(steps[..^1].Aggregate(data, (view, t) => t.Transform(view)), 300);
        int d = last.Model.InputCount;
        var contributions = ml.Transforms.CalculateFeatureContribution(last, numberOfPositiveContributions: d, numberOfNegativeContributions: d, normalize: false)
            .Fit(features).Transform(features);
        using DataViewRowCursor cursor = contributions.GetRowCursor(contributions.Schema);
        var getContributions = cursor.GetGetter<VBuffer<float>>(contributions.Schema["FeatureContributions"]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(contributions.Schema["Features"]);
        float zero = last.Model.PredictLogit(new float[d]);
        VBuffer<float> c = default, x = default;
        while (cursor.MoveNext())
        {
            getContributions(ref c);
            getFeatures(ref x);
            float[] dense = x.DenseValues().ToArray();
            float score = last.Model.PredictLogit(dense);
            double sum = c.DenseValues().Sum(v => (double)v);
            Assert.True(Math.Abs(sum - (score - zero)) <= 0.01 * Math.Abs(score - zero) + 1e-4, $"sum {sum}, gap {score - zero}");
            float[] contribution = c.DenseValues().ToArray();
            for (int i = 0; i < d; i++)
            {
                if (dense[i] == 0)
                {
                    Assert.Equal(0, contribution[i]);
                }
            }
        }
    }

    [Fact]
    public void TheCalculatorRefinesUntilComplete()
    {
        // A saturating network on raw-scale inputs curves sharply along the path: 32 midpoints are not enough there.
        var net = new NetworkParameters<float>(new ParameterLayout(2, [4]), [MlpActivation.Tanh]);
        float[] w = [3f, -2f, 1f, 4f, -1f, 2f, 2.5f, -3f];
        w.CopyTo(net.W(0));
        net.U[0] = 1; net.U[1] = -2; net.U[2] = 1.5f; net.U[3] = 0.5f;
        var calculator = new IntegratedGradients(net);
        float[] x = [40f, -25f];
        float[] contributions = new float[2];
        float logit = calculator.ComputeDense(x, contributions);
        Assert.True(calculator.LastSteps > IntegratedGradients.InitialSteps, $"{calculator.LastSteps} steps");
        Assert.InRange(contributions.Sum() - (logit - calculator.Zero), -1e-3 * Math.Abs(logit - calculator.Zero), 1e-3 * Math.Abs(logit - calculator.Zero));
    }

    /// <summary>IGᵢ = xᵢ·∫₀¹ ∂u3/∂xᵢ(αx) dα with central differences of the model's own PredictLogit and 400 midpoints.</summary>
    private static double[] FiniteDifferenceIntegratedGradients(BackpropMlpModelParameters model, float[] x)
    {
        const int steps = 400;
        const float h = 1e-2f;
        double[] result = new double[x.Length];
        float[] point = new float[x.Length];
        for (int k = 0; k < steps; k++)
        {
            float alpha = (k + 0.5f) / steps;
            for (int i = 0; i < x.Length; i++)
            {
                for (int j = 0; j < x.Length; j++)
                {
                    point[j] = alpha * x[j];
                }

                point[i] += h;
                double up = model.PredictLogit(point);
                point[i] -= 2 * h;
                double down = model.PredictLogit(point);
                result[i] += x[i] * (up - down) / (2 * h) / steps;
            }
        }

        return result;
    }
}
