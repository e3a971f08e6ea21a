using Backprop.MLNet.Network;
using Backprop.MLNet.Training;

namespace Backprop.MLNet.Tests.Network;

/// <summary>
/// The handout's 2-input, 2-2-hidden network with fixed weights on a batch of three rows: forward
/// values, loss, every gradient and one full-batch SGD update, computed here with plain scalar loops
/// in the handout's indicial form (independently of the matrix code) and compared with the library.
/// </summary>
public class HandComputedStepTests
{
    private static readonly double[,] X = { { 1.0, 2.0 }, { -1.0, 0.5 }, { 0.3, -0.7 } };
    private static readonly double[] Y = { 1, 0, 1 };
    private static readonly double[,] W1 = { { 0.1, -0.2 }, { 0.4, 0.3 } };
    private static readonly double[] B1 = { 0.05, -0.1 };
    private static readonly double[,] W2 = { { 0.5, -0.6 }, { 0.2, 0.7 } };
    private static readonly double[] B2 = { 0.0, 0.1 };
    private static readonly double[] U = { 0.8, -0.5 };
    private const double C = 0.2;
    private const float Eta = 0.5f; // exact in float and double

    [Fact]
    public void DoublePrecisionMatchesScalarLoops() => Check<double>(1e-12);

    [Fact]
    public void SinglePrecisionMatchesScalarLoops() => Check<float>(1e-6);

    [Fact]
    public void PublicTraceShowsTheSameValues()
    {
        Scalar expected = Scalar.Compute();
        var M = MathNet.Numerics.LinearAlgebra.Matrix<float>.Build;
        var V = MathNet.Numerics.LinearAlgebra.Vector<float>.Build;
        var network = new BackpropMlpModelParameters(
            [new MlpLayerWeights(M.DenseOfArray(ToFloat(W1)), V.DenseOfArray(B1.Select(v => (float)v).ToArray()), MlpActivation.Tanh),
             new MlpLayerWeights(M.DenseOfArray(ToFloat(W2)), V.DenseOfArray(B2.Select(v => (float)v).ToArray()), MlpActivation.Sigmoid)],
            V.DenseOfArray(U.Select(v => (float)v).ToArray()), (float)C);
        BackpropTrace trace = BackpropTrace.Compute(network, M.DenseOfArray(ToFloat(X)), V.DenseOfArray(Y.Select(v => (float)v).ToArray()));
        for (int i = 0; i < 3; i++)
        {
            for (int k = 0; k < 2; k++)
            {
                Near(expected.H1[i, k], trace.Activations[0][i, k], 1e-6, $"h1[{i},{k}]");
                Near(Math.Tanh(trace.PreActivations[0][i, k]), trace.Activations[0][i, k], 1e-6, $"tanh(u1[{i},{k}])");
                Near(expected.H2[i, k], trace.Activations[1][i, k], 1e-6, $"h2[{i},{k}]");
            }

            Near(expected.U3[i], trace.U3[i], 1e-6, $"u3[{i}]");
            Near(1 / (1 + Math.Exp(-expected.U3[i])), trace.YHat[i], 1e-6, $"ŷ[{i}]");
        }

        Near(expected.Loss, trace.Loss, 1e-6, "L");
        for (int a = 0; a < 2; a++)
        {
            for (int b = 0; b < 2; b++)
            {
                Near(expected.DW1[a, b], trace.WeightGradients[0][a, b], 1e-6, $"∂W1[{a},{b}]");
                Near(expected.DW2[a, b], trace.WeightGradients[1][a, b], 1e-6, $"∂W2[{a},{b}]");
            }

            Near(expected.DB1[a], trace.BiasGradients[0][a], 1e-6, $"∂b1[{a}]");
            Near(expected.DB2[a], trace.BiasGradients[1][a], 1e-6, $"∂b2[{a}]");
            Near(expected.DU[a], trace.OutputWeightGradient[a], 1e-6, $"∂U[{a}]");
        }

        Near(expected.DC, trace.OutputBiasGradient, 1e-6, "∂c");
    }

    private static float[,] ToFloat(double[,] m)
    {
        var r = new float[m.GetLength(0), m.GetLength(1)];
        for (int i = 0; i < m.GetLength(0); i++)
        {
            for (int j = 0; j < m.GetLength(1); j++)
            {
                r[i, j] = (float)m[i, j];
            }
        }

        return r;
    }

    private static void Check<T>(double tolerance)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Scalar expected = Scalar.Compute();
        var layout = new ParameterLayout(2, [2, 2]);
        var net = new NetworkParameters<T>(layout, [MlpActivation.Tanh, MlpActivation.Sigmoid]);
        for (int f = 0; f < 2; f++)
        {
            for (int k = 0; k < 2; k++)
            {
                net.W(0)[f * 2 + k] = T.CreateChecked(W1[f, k]);
                net.W(1)[f * 2 + k] = T.CreateChecked(W2[f, k]);
            }

            net.b(0)[f] = T.CreateChecked(B1[f]);
            net.b(1)[f] = T.CreateChecked(B2[f]);
            net.U[f] = T.CreateChecked(U[f]);
        }

        net.c = T.CreateChecked(C);
        T[] x = [.. new[] { X[0, 0], X[0, 1], X[1, 0], X[1, 1], X[2, 0], X[2, 1] }.Select(T.CreateChecked)];
        T[] y = [.. Y.Select(T.CreateChecked)];

        var ws = new Workspace<T>(layout, 3);
        T[] gradient = new T[layout.Count];
        (T loss, _) = Objective.LossAndGradient(net, InputBatch<T>.FromDense(x, 3, 2), y, [], T.Zero, ws, gradient);

        for (int i = 0; i < 3; i++)
        {
            for (int k = 0; k < 2; k++)
            {
                Near(expected.H1[i, k], ws.H(0, 3)[i * 2 + k], tolerance, $"h1[{i},{k}]");
                Near(expected.H2[i, k], ws.H(1, 3)[i * 2 + k], tolerance, $"h2[{i},{k}]");
            }

            Near(expected.U3[i], ws.U3(3)[i], tolerance, $"u3[{i}]");
        }

        Near(expected.Loss, loss, tolerance, "L");
        for (int a = 0; a < 2; a++)
        {
            for (int b = 0; b < 2; b++)
            {
                Near(expected.DW1[a, b], gradient[layout.WeightOffset(0) + a * 2 + b], tolerance, $"∂W1[{a},{b}]");
                Near(expected.DW2[a, b], gradient[layout.WeightOffset(1) + a * 2 + b], tolerance, $"∂W2[{a},{b}]");
            }

            Near(expected.DB1[a], gradient[layout.BiasOffset(0) + a], tolerance, $"∂b1[{a}]");
            Near(expected.DB2[a], gradient[layout.BiasOffset(1) + a], tolerance, $"∂b2[{a}]");
            Near(expected.DU[a], gradient[layout.OutputWeightOffset + a], tolerance, $"∂U[{a}]");
        }

        Near(expected.DC, gradient[layout.OutputBiasOffset], tolerance, "∂c");

        // One full-batch SGD step through the training loop, started from these weights.
        var settings = new MlpTrainingOptions
        {
            HiddenLayers = { new MlpLayer(2, MlpActivation.Tanh), new MlpLayer(2, MlpActivation.Sigmoid) },
            Optimizer = MlpOptimizer.Sgd, LearningRate = Eta, BatchSize = 0, NumberOfEpochs = 1, Shuffle = false, NormalizeFeatures = false,
        };
        var result = NetworkTrainer.Train(TrainingSet<T>.FromDense(x, 3, 2, y), null, net, settings);
        NetworkParameters<T> after = result.Network;
        Near(expected.Loss, (T)T.CreateChecked(result.History[0].TrainingLoss), tolerance, "history loss");
        for (int a = 0; a < 2; a++)
        {
            for (int b = 0; b < 2; b++)
            {
                Near(W1[a, b] - Eta * expected.DW1[a, b], after.W(0)[a * 2 + b], tolerance, $"W1'[{a},{b}]");
                Near(W2[a, b] - Eta * expected.DW2[a, b], after.W(1)[a * 2 + b], tolerance, $"W2'[{a},{b}]");
            }

            Near(B1[a] - Eta * expected.DB1[a], after.b(0)[a], tolerance, $"b1'[{a}]");
            Near(B2[a] - Eta * expected.DB2[a], after.b(1)[a], tolerance, $"b2'[{a}]");
            Near(U[a] - Eta * expected.DU[a], after.U[a], tolerance, $"U'[{a}]");
        }

        Near(C - Eta * expected.DC, after.c, tolerance, "c'");

        // The starting weights were not modified by training.
        Assert.Equal(T.CreateChecked(W1[0, 0]), net.W(0)[0]);
    }

    private static void Near<T>(double expected, T actual, double tolerance, string what)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        double a = double.CreateChecked(actual);
        Assert.True(Math.Abs(expected - a) <= tolerance, $"{what}: expected {expected:R}, got {a:R}");
    }

    /// <summary>The handout, index by index, in double.</summary>
    private sealed class Scalar
    {
        public double[,] H1 = new double[3, 2], H2 = new double[3, 2];
        public double[] U3 = new double[3];
        public double Loss;
        public double[,] DW1 = new double[2, 2], DW2 = new double[2, 2];
        public double[] DB1 = new double[2], DB2 = new double[2], DU = new double[2];
        public double DC;

        public static Scalar Compute()
        {
            var r = new Scalar();
            const int n = 3;
            var yhat = new double[n];
            for (int i = 0; i < n; i++)
            {
                for (int k = 0; k < 2; k++)
                {
                    double u1 = B1[k];
                    for (int f = 0; f < 2; f++)
                    {
                        u1 += X[i, f] * W1[f, k];
                    }

                    r.H1[i, k] = Math.Tanh(u1);
                }

                for (int l = 0; l < 2; l++)
                {
                    double u2 = B2[l];
                    for (int k = 0; k < 2; k++)
                    {
                        u2 += r.H1[i, k] * W2[k, l];
                    }

                    r.H2[i, l] = 1 / (1 + Math.Exp(-u2));
                }

                r.U3[i] = C + r.H2[i, 0] * U[0] + r.H2[i, 1] * U[1];
                yhat[i] = 1 / (1 + Math.Exp(-r.U3[i]));
                r.Loss -= (Y[i] * Math.Log(yhat[i]) + (1 - Y[i]) * Math.Log(1 - yhat[i])) / n;
            }

            for (int i = 0; i < n; i++)
            {
                double du3 = (yhat[i] - Y[i]) / n;                        // ∂L/∂u3_i
                r.DC += du3;                                              // ∂L/∂c
                var du2 = new double[2];
                for (int l = 0; l < 2; l++)
                {
                    r.DU[l] += du3 * r.H2[i, l];                          // ∂L/∂U_l
                    double dh2 = du3 * U[l];                              // ∂L/∂h2_il
                    du2[l] = dh2 * r.H2[i, l] * (1 - r.H2[i, l]);         // σ'
                    r.DB2[l] += du2[l];                                   // ∂L/∂b2_l
                    for (int k = 0; k < 2; k++)
                    {
                        r.DW2[k, l] += du2[l] * r.H1[i, k];               // ∂L/∂W2_kl
                    }
                }

                for (int k = 0; k < 2; k++)
                {
                    double dh1 = du2[0] * W2[k, 0] + du2[1] * W2[k, 1];   // ∂L/∂h1_ik
                    double du1 = dh1 * (1 - r.H1[i, k] * r.H1[i, k]);     // tanh'
                    r.DB1[k] += du1;                                      // ∂L/∂b1_k
                    for (int f = 0; f < 2; f++)
                    {
                        r.DW1[f, k] += du1 * X[i, f];                     // ∂L/∂W1_fk
                    }
                }
            }

            return r;
        }
    }
}
