using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML;

namespace Backprop.MLNet.Samples.Handout;

/// <summary>
/// The whole walkthrough: the handout's equations on the example batch, the same pass computed by the
/// library (<see cref="BackpropTrace"/>), one gradient-descent step by hand, and the same step taken by
/// <see cref="BackpropMlpTrainer"/> (one epoch of full-batch SGD from the same weights).
/// </summary>
public sealed record HandoutWalkthrough
{
    /// <summary>The starting weights.</summary>
    public required HandoutNetwork Network { get; init; }

    /// <summary>The batch x.</summary>
    public required Matrix<float> X { get; init; }

    /// <summary>The labels y.</summary>
    public required Vector<float> Y { get; init; }

    /// <summary>Every value of the handout's equations.</summary>
    public required HandoutPass Pass { get; init; }

    /// <summary>The library's values for the same pass.</summary>
    public required BackpropTrace Trace { get; init; }

    /// <summary>Largest |handout − library| over every value the trace has.</summary>
    public required float LibraryDifference { get; init; }

    /// <summary>The weights after θ ← θ − η ∂L/∂θ.</summary>
    public required HandoutNetwork AfterStep { get; init; }

    /// <summary>The loss of the batch with <see cref="AfterStep"/>'s weights.</summary>
    public required float LossAfterStep { get; init; }

    /// <summary>The weights after BackpropMlpTrainer's one epoch of full-batch SGD.</summary>
    public required HandoutNetwork AfterTrainerStep { get; init; }

    /// <summary>Largest |hand step − trainer step| over every weight and bias.</summary>
    public required float TrainerDifference { get; init; }

    /// <summary>Runs the walkthrough on <see cref="HandoutNetwork.Example"/> and its batch.</summary>
    public static HandoutWalkthrough Run() => Run(HandoutNetwork.Example, HandoutNetwork.ExampleInputs, HandoutNetwork.ExampleLabels, HandoutNetwork.LearningRate);

    /// <summary>Runs the walkthrough on the given weights and batch.</summary>
    public static HandoutWalkthrough Run(HandoutNetwork network, Matrix<float> x, Vector<float> y, float learningRate)
    {
        HandoutPass pass = HandoutPass.Compute(network, x, y);
        BackpropTrace trace = BackpropTrace.Compute(network.ToModelParameters(), x, y);
        HandoutNetwork afterStep = pass.Step(network, learningRate);
        HandoutNetwork afterTrainerStep = TrainOneStep(network, x, y, learningRate);
        return new HandoutWalkthrough
        {
            Network = network,
            X = x,
            Y = y,
            Pass = pass,
            Trace = trace,
            LibraryDifference = Difference(pass, trace),
            AfterStep = afterStep,
            LossAfterStep = HandoutPass.Compute(afterStep, x, y).Loss,
            AfterTrainerStep = afterTrainerStep,
            TrainerDifference = Difference(afterStep, afterTrainerStep),
        };
    }

    // The library's trainer from the same weights: plain SGD, the whole batch as one mini-batch, no L2, no shuffling.
    private static HandoutNetwork TrainOneStep(HandoutNetwork network, Matrix<float> x, Vector<float> y, float learningRate)
    {
        var ml = new MLContext(seed: 0);
        IDataView batch = ml.Data.LoadFromEnumerable(Enumerable.Range(0, x.RowCount)
            .Select(i => new HandoutRow { Label = y[i] == 1, Features = x.Row(i).ToArray() }));
        // The handout's network and step: plain gradient descent on the full batch, inputs as given, no rows held out.
        var trainer = ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options
        {
            Optimizer = MlpOptimizer.Sgd,
            LearningRate = learningRate,
            BatchSize = 0,
            NumberOfEpochs = 1,
            L2Regularization = 0,
            Shuffle = false,
            NormalizeFeatures = false,
            ValidationFraction = 0,
        });
        return HandoutNetwork.FromModelParameters(trainer.Fit(batch, network.ToModelParameters()).Model);
    }

    private static float Difference(HandoutPass pass, BackpropTrace trace) => new[]
    {
        MaxDifference(pass.U1, trace.PreActivations[0]), MaxDifference(pass.H1, trace.Activations[0]),
        MaxDifference(pass.U2, trace.PreActivations[1]), MaxDifference(pass.H2, trace.Activations[1]),
        MaxDifference(pass.U3, trace.U3), MaxDifference(pass.YHat, trace.YHat), MathF.Abs(pass.Loss - trace.Loss),
        MaxDifference(pass.DU3, trace.DeltaU3), MaxDifference(pass.DU, trace.OutputWeightGradient), MathF.Abs(pass.DC - trace.OutputBiasGradient),
        MaxDifference(pass.DW2, trace.WeightGradients[1]), MaxDifference(pass.DB2, trace.BiasGradients[1]),
        MaxDifference(pass.DW1, trace.WeightGradients[0]), MaxDifference(pass.DB1, trace.BiasGradients[0]),
    }.Max();

    private static float Difference(HandoutNetwork a, HandoutNetwork b) => new[]
    {
        MaxDifference(a.W1, b.W1), MaxDifference(a.B1, b.B1), MaxDifference(a.W2, b.W2), MaxDifference(a.B2, b.B2),
        MaxDifference(a.U, b.U), MathF.Abs(a.C - b.C),
    }.Max();

    private static float MaxDifference(Matrix<float> a, Matrix<float> b) => (a - b).Enumerate().Max(MathF.Abs);

    private static float MaxDifference(Vector<float> a, Vector<float> b) => (a - b).Enumerate().Max(MathF.Abs);
}
