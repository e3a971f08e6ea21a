using Backprop.MLNet.Network;
using Backprop.MLNet.Training;

namespace Backprop.MLNet.Tests.Training;

/// <summary>
/// Two full-batch steps of each optimizer through the training loop (in double), against the update
/// formulas written out here from gradients of the objective.
/// </summary>
public class OptimizerStepTests
{
    // float, as the options hold them; the formulas below use the same values widened to double.
    private const float Eta = 0.3f, Mu = 0.9f, B1 = 0.9f, B2 = 0.999f, Eps = 1e-8f;

    [Theory]
    [InlineData(MlpOptimizer.Sgd, false)]
    [InlineData(MlpOptimizer.Momentum, false)]
    [InlineData(MlpOptimizer.Momentum, true)]
    [InlineData(MlpOptimizer.Adam, false)]
    public void TwoStepsFollowTheUpdateFormulas(MlpOptimizer optimizer, bool nesterov)
    {
        var data = TrainingSet<double>.FromDense([0.5, -1, 1.5, 0.25, -0.3, 0.8, 1.0, 1.0], 4, 2, [1, 0, 1, 0]);
        var layout = new ParameterLayout(2, [3, 2]);
        MlpActivation[] activations = [MlpActivation.Tanh, MlpActivation.Sigmoid];
        NetworkParameters<double> start = WeightInitializer.Create<double>(layout, activations, new DeterministicRandom(9));
        var settings = new MlpTrainingOptions
        {
            HiddenLayers = { new MlpLayer(3, MlpActivation.Tanh), new MlpLayer(2, MlpActivation.Sigmoid) },
            Optimizer = optimizer, Nesterov = nesterov, LearningRate = Eta, Momentum = Mu, Beta1 = B1, Beta2 = B2, Epsilon = Eps,
            L2Regularization = 0.01f, BatchSize = 0, Shuffle = false, NumberOfEpochs = 2, EarlyStoppingPatience = 0, NumberOfThreads = 1, NormalizeFeatures = false,
        };
        double[] trained = NetworkTrainer.Train(data, null, start, settings).Network.Values;

        // The same two steps by hand.
        double[] theta = (double[])start.Values.Clone();
        double[] velocity = new double[theta.Length], m = new double[theta.Length], v = new double[theta.Length];
        for (int t = 1; t <= 2; t++)
        {
            double[] g = Gradient(layout, activations, theta, data, settings.L2Regularization);
            for (int i = 0; i < theta.Length; i++)
            {
                switch (optimizer)
                {
                    case MlpOptimizer.Sgd:
                        theta[i] -= Eta * g[i];
                        break;
                    case MlpOptimizer.Momentum:
                        velocity[i] = Mu * velocity[i] - Eta * g[i];
                        theta[i] += nesterov ? Mu * velocity[i] - Eta * g[i] : velocity[i];
                        break;
                    default:
                        m[i] = B1 * m[i] + (1 - B1) * g[i];
                        v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
                        // Kingma and Ba's "efficient" form (as scikit-learn): ε is added to √v before the bias correction,
                        // i.e. to √v̂ it is ε/√(1 − β2ᵗ).
                        double mHat = m[i] / (1 - Math.Pow(B1, t)), vHat = v[i] / (1 - Math.Pow(B2, t));
                        theta[i] -= Eta * mHat / (Math.Sqrt(vHat) + Eps / Math.Sqrt(1 - Math.Pow(B2, t)));
                        break;
                }
            }
        }

        for (int i = 0; i < theta.Length; i++)
        {
            Assert.True(Math.Abs(theta[i] - trained[i]) < 1e-12, $"{optimizer}{(nesterov ? " (Nesterov)" : "")} parameter {i}: expected {theta[i]:R}, trained {trained[i]:R}");
        }
    }

    private static double[] Gradient(ParameterLayout layout, MlpActivation[] activations, double[] theta, TrainingSet<double> data, double lambda)
    {
        var net = new NetworkParameters<double>(layout, activations, (double[])theta.Clone());
        double[] g = new double[layout.Count];
        Objective.LossAndGradient(net, InputBatch<double>.FromDense(data.Dense!, data.Rows, data.Columns), data.Labels, [], lambda, new Workspace<double>(layout, data.Rows), g);
        return g;
    }
}
