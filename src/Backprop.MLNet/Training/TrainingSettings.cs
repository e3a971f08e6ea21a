using Backprop.MLNet.Network;

namespace Backprop.MLNet.Training;

/// <summary>
/// Hyper-parameters of the training core, named as in <c>BackpropMlpTrainer.Options</c> so that a
/// rejected value names the option the user set.
/// </summary>
internal sealed record TrainingSettings
{
    /// <summary>Hidden layers, first to last (the handout's: tanh then sigmoid).</summary>
    public IReadOnlyList<MlpLayer> HiddenLayers { get; init; } = MlpLayerCollection.Defaults;

    /// <summary>Update rule.</summary>
    public MlpOptimizer Optimizer { get; init; } = MlpOptimizer.Adam;

    /// <summary>Step size η.</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>μ of <see cref="MlpOptimizer.Momentum"/>.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Nesterov's look-ahead for <see cref="MlpOptimizer.Momentum"/>.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Adam's β1.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's β2.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam's ε.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>λ of the penalty <c>(λ/2)·Σ‖W‖²</c> on weights (not biases).</summary>
    public double L2Regularization { get; init; }

    /// <summary>Rows per mini-batch; 0 = full batch (the handout's <c>1/N Σ</c> over all rows).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Passes over the training rows.</summary>
    public int NumberOfEpochs { get; init; } = 100;

    /// <summary>Reshuffle the rows every epoch.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffles, the initial weights and the validation split.</summary>
    public int Seed { get; init; }

    /// <summary>Fraction of the training rows held out for early stopping when no validation set is given.</summary>
    public double ValidationFraction { get; init; }

    /// <summary>Epochs without a better validation loss before stopping (0 = never stop early).</summary>
    public int EarlyStoppingPatience { get; init; } = 10;

    /// <summary>On sparse data, update only the first-layer rows a batch uses also for Momentum, Adam and L2 (lazy).</summary>
    public bool LazySparseUpdates { get; init; }

    /// <summary>Threads the matrix products may use.</summary>
    public int MaxThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (HiddenLayers is null || HiddenLayers.Count == 0)
        {
            throw new ArgumentException("HiddenLayers must contain at least one layer (the handout's network has two: tanh then sigmoid).", nameof(HiddenLayers));
        }

        if (HiddenLayers.Count > NetworkLimits.MaxHiddenLayers)
        {
            throw new ArgumentOutOfRangeException(nameof(HiddenLayers), HiddenLayers.Count, $"HiddenLayers may hold at most {NetworkLimits.MaxHiddenLayers} layers.");
        }

        for (int i = 0; i < HiddenLayers.Count; i++)
        {
            if (HiddenLayers[i] is null)
            {
                throw new ArgumentException($"HiddenLayers[{i}] is null.", nameof(HiddenLayers));
            }

            if (HiddenLayers[i].Size > NetworkLimits.MaxLayerSize)
            {
                throw new ArgumentOutOfRangeException(nameof(HiddenLayers), HiddenLayers[i].Size, $"HiddenLayers[{i}] has {HiddenLayers[i].Size} units; a layer may have at most {NetworkLimits.MaxLayerSize}.");
            }
        }

        if (!Enum.IsDefined(Optimizer))
        {
            throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Optimizer must be Sgd, Momentum or Adam.");
        }

        Positive(LearningRate, nameof(LearningRate));
        InRange(Momentum, 0, 1, inclusiveHigh: false, nameof(Momentum));
        InRange(Beta1, 0, 1, inclusiveHigh: false, nameof(Beta1));
        InRange(Beta2, 0, 1, inclusiveHigh: false, nameof(Beta2));
        Positive(Epsilon, nameof(Epsilon));
        if (!double.IsFinite(L2Regularization) || L2Regularization < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(L2Regularization), L2Regularization, "L2Regularization must be a finite number ≥ 0.");
        }

        if (BatchSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be ≥ 0 (0 means full batch).");
        }

        if (NumberOfEpochs is <= 0 or > NetworkLimits.MaxEpochs)
        {
            throw new ArgumentOutOfRangeException(nameof(NumberOfEpochs), NumberOfEpochs, $"NumberOfEpochs must be between 1 and {NetworkLimits.MaxEpochs}.");
        }

        if (!double.IsFinite(ValidationFraction) || ValidationFraction < 0 || ValidationFraction >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction must be in [0, 1).");
        }

        if (EarlyStoppingPatience < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "EarlyStoppingPatience must be ≥ 0 (0 disables early stopping).");
        }

        if (MaxThreads <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxThreads), MaxThreads, "MaxThreads must be at least 1.");
        }
    }

    private static void Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0.");
        }
    }

    private static void InRange(double value, double low, double high, bool inclusiveHigh, string name)
    {
        if (!double.IsFinite(value) || value < low || (inclusiveHigh ? value > high : value >= high))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{low}, {high}{(inclusiveHigh ? "]" : ")")}.");
        }
    }
}
