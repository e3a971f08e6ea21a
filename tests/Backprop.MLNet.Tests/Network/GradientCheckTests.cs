using Backprop.MLNet.Network;
using Backprop.MLNet.Training;

namespace Backprop.MLNet.Tests.Network;

/// <summary>
/// Every parameter's analytic gradient (our backpropagation, in double) against central finite
/// differences of the objective, for the handout network and other depths and activations.
/// </summary>
public class GradientCheckTests
{
    private const double Tolerance = 1e-6;

    public static TheoryData<int[], MlpActivation[], bool, double, bool> Cases => new()
    {
        // The handout: tanh then sigmoid.
        { [4, 3], [MlpActivation.Tanh, MlpActivation.Sigmoid], false, 0.0, false },
        { [4, 3], [MlpActivation.Tanh, MlpActivation.Sigmoid], true, 0.0, false },
        { [4, 3], [MlpActivation.Tanh, MlpActivation.Sigmoid], true, 0.3, false },
        { [4, 3], [MlpActivation.Tanh, MlpActivation.Sigmoid], true, 0.1, true },
        { [5], [MlpActivation.Sigmoid], false, 0.0, false },
        { [6, 5, 4], [MlpActivation.Relu, MlpActivation.Identity, MlpActivation.Tanh], false, 0.05, false },
        { [3, 3, 3, 2], [MlpActivation.Sigmoid, MlpActivation.Relu, MlpActivation.Tanh, MlpActivation.Identity], true, 0.0, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AnalyticGradientMatchesCentralDifferences(int[] sizes, MlpActivation[] activations, bool weighted, double lambda, bool sparse)
    {
        var random = new DeterministicRandom(sizes.Sum() * 31 + (weighted ? 1 : 0) + (sparse ? 2 : 0));
        const int rows = 7, inputs = 5;
        var layout = new ParameterLayout(inputs, sizes);
        var net = WeightInitializer.Create<double>(layout, activations, random);
        for (int i = 0; i < net.Values.Length; i++)
        {
            net.Values[i] += 0.3 * (random.NextDouble() - 0.5); // non-zero biases too
        }

        double[] x = new double[rows * inputs];
        for (int i = 0; i < x.Length; i++)
        {
            // Sparse case: about half the entries are exactly zero.
            x[i] = sparse && random.NextDouble() < 0.5 ? 0 : 2 * random.NextDouble() - 1;
        }

        double[] y = Enumerable.Range(0, rows).Select(i => (double)(i % 2)).ToArray();
        double[] s = weighted ? Enumerable.Range(0, rows).Select(_ => 0.2 + 2 * random.NextDouble()).ToArray() : [];
        var data = new BatchData(x, rows, inputs, sparse);

        var ws = new Workspace<double>(layout, rows);
        double[] analytic = new double[layout.Count];
        Objective.LossAndGradient(net, data.Batch, y, s, lambda, ws, analytic);
        (int worst, double error) = WorstError(net, data, y, s, lambda, analytic);
        Assert.True(error < Tolerance, $"parameter {worst}: relative error {error:E2} between the analytic and the numeric gradient");
    }

    /// <summary>The parameter whose analytic gradient differs most from central differences (h = 1e-6), and that relative difference.</summary>
    private static (int Parameter, double Error) WorstError(NetworkParameters<double> net, BatchData data, double[] y, double[] s, double lambda, double[] analytic)
    {
        var ws = new Workspace<double>(net.Layout, y.Length);
        const double h = 1e-6;
        (int Parameter, double Error) worst = (-1, 0);
        for (int p = 0; p < net.Values.Length; p++)
        {
            double saved = net.Values[p];
            net.Values[p] = saved + h;
            double plus = Value(net, data, y, s, lambda, ws);
            net.Values[p] = saved - h;
            double minus = Value(net, data, y, s, lambda, ws);
            net.Values[p] = saved;
            double numeric = (plus - minus) / (2 * h);
            double error = Math.Abs(analytic[p] - numeric) / Math.Max(Math.Abs(analytic[p]) + Math.Abs(numeric), 1e-4);
            if (error > worst.Error)
            {
                worst = (p, error);
            }
        }

        return worst;
    }

    [Theory]
    [InlineData("scaled")]
    [InlineData("bias")]
    [InlineData("missing derivative")]
    public void CheckDetectsAWrongGradient(string fault)
    {
        // The check itself must be able to fail: feed it gradients that are wrong in the ways backpropagation goes wrong
        // (a factor off, a bias gradient dropped, an activation's derivative left out) and it must say so.
        var layout = new ParameterLayout(2, [2, 2]);
        var net = WeightInitializer.Create<double>(layout, [MlpActivation.Tanh, MlpActivation.Sigmoid], new DeterministicRandom(3));
        var data = new BatchData([0.5, -1, 1.5, 0.25], 2, 2, false);
        double[] y = [1, 0];
        var ws = new Workspace<double>(layout, 2);
        double[] gradient = new double[layout.Count];
        Objective.LossAndGradient(net, data.Batch, y, [], 0.0, ws, gradient);
        Assert.True(WorstError(net, data, y, [], 0, gradient).Error < Tolerance); // correct first

        switch (fault)
        {
            case "scaled":
                gradient[layout.WeightOffset(0)] *= 1.001;
                break;
            case "bias":
                gradient[layout.BiasOffset(1)] = 0;
                break;
            default:
                // ∂W2 computed as if σ'(u2) = 1: recompute that block without the derivative.
                int inputs = layout.HiddenSizes[0], outputs = layout.HiddenSizes[1];
                Backpropagation.Forward(net, data.Batch, ws);
                for (int i = 0; i < inputs; i++)
                {
                    for (int j = 0; j < outputs; j++)
                    {
                        double sum = 0;
                        for (int r = 0; r < 2; r++)
                        {
                            double yHat = BinaryCrossEntropy.Sigmoid(ws.U3(2)[r]);
                            sum += ws.H(0, 2)[r * inputs + i] * (yHat - y[r]) / 2 * net.U[j];
                        }

                        gradient[layout.WeightOffset(1) + i * outputs + j] = sum;
                    }
                }

                break;
        }

        Assert.True(WorstError(net, data, y, [], 0, gradient).Error > Tolerance, $"the check missed a {fault} gradient");
    }

    private static double Value(NetworkParameters<double> net, BatchData data, double[] y, double[] s, double lambda, Workspace<double> ws)
    {
        Backpropagation.Forward(net, data.Batch, ws);
        double[] delta = new double[y.Length];
        (double loss, _) = BinaryCrossEntropy.LossAndOutputDelta<double>(ws.U3(y.Length), y, s, delta);
        return loss + Objective.Penalty(net, lambda);
    }

    /// <summary>The same rows as a dense or a compressed-row batch.</summary>
    private sealed class BatchData
    {
        private readonly double[] dense;
        private readonly double[] values;
        private readonly int[] indices;
        private readonly int[] rowStarts;
        private readonly int rows, columns;
        private readonly bool sparse;

        public BatchData(double[] x, int rows, int columns, bool sparse)
        {
            dense = x;
            this.rows = rows;
            this.columns = columns;
            this.sparse = sparse;
            var v = new List<double>();
            var ix = new List<int>();
            rowStarts = new int[rows + 1];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    if (x[i * columns + j] != 0)
                    {
                        v.Add(x[i * columns + j]);
                        ix.Add(j);
                    }
                }

                rowStarts[i + 1] = v.Count;
            }

            values = v.ToArray();
            indices = ix.ToArray();
        }

        public InputBatch<double> Batch => sparse
            ? InputBatch<double>.FromSparse(values, indices, rowStarts, columns)
            : InputBatch<double>.FromDense(dense, rows, columns);
    }
}
