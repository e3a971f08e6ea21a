using Backprop.MLNet.Network;

namespace Backprop.MLNet;

/// <summary>
/// The network's shape and how it is trained, each with its documented default: everything of
/// <c>BackpropMlpTrainer.Options</c> except the column names. The training loop reads these properties directly, so a
/// new option is declared once, here, with its default in <see cref="Defaults"/>.
/// </summary>
public class MlpTrainingOptions
{
    /// <summary>The defaults, as constants (the catalog's simple overload uses them as its parameters' defaults).</summary>
    public static class Defaults
    {
        /// <summary>Default <see cref="Optimizer"/>: Adam.</summary>
        public const MlpOptimizer Optimizer = MlpOptimizer.Adam;

        /// <summary>Default <see cref="LearningRate"/> (chosen by cross-validation on numeric, one-hot and text data; see the README).</summary>
        public const float LearningRate = 0.003f;

        /// <summary>Default <see cref="Momentum"/>.</summary>
        public const float Momentum = 0.9f;

        /// <summary>Default <see cref="Beta1"/>.</summary>
        public const float Beta1 = 0.9f;

        /// <summary>Default <see cref="Beta2"/>.</summary>
        public const float Beta2 = 0.999f;

        /// <summary>Default <see cref="Epsilon"/>.</summary>
        public const float Epsilon = 1e-8f;

        /// <summary>Default <see cref="BatchSize"/>.</summary>
        public const int BatchSize = 32;

        /// <summary>Default <see cref="NumberOfEpochs"/>.</summary>
        public const int NumberOfEpochs = 100;

        /// <summary>Default <see cref="ValidationFraction"/>.</summary>
        public const float ValidationFraction = 0.1f;

        /// <summary>Default <see cref="EarlyStoppingPatience"/>.</summary>
        public const int EarlyStoppingPatience = 3;
    }

    /// <summary>
    /// Scale the features inside the trainer, from statistics of the training rows: dense features are standardised
    /// (mean 0, standard deviation 1); sparse ones are not centred (so they stay sparse) and a column whose values exceed 1
    /// in magnitude is divided by its largest magnitude (text and one-hot columns, already within 1, are left as they are).
    /// The scaling is folded into the first layer afterwards, so the model (its <c>W1</c>, <c>b1</c>, scoring, ONNX export)
    /// works on the raw inputs. Pipelines that already normalise lose nothing. Default true; false trains on the inputs
    /// as given (the handout's setting).
    /// </summary>
    public bool NormalizeFeatures { get; set; } = true;

    /// <summary>Hidden layers, first to last. Default the handout's: 32 tanh, then 16 sigmoid (adding a layer replaces the defaults).</summary>
    public MlpLayerCollection HiddenLayers { get; } = new();

    /// <summary>Update rule. Default <see cref="MlpOptimizer.Adam"/>.</summary>
    public MlpOptimizer Optimizer { get; set; } = Defaults.Optimizer;

    /// <summary>Step size η. Default 0.003 (suits Adam; plain SGD usually wants 0.01–0.5).</summary>
    public float LearningRate { get; set; } = Defaults.LearningRate;

    /// <summary>μ for <see cref="MlpOptimizer.Momentum"/>. Default 0.9.</summary>
    public float Momentum { get; set; } = Defaults.Momentum;

    /// <summary>Nesterov's look-ahead for <see cref="MlpOptimizer.Momentum"/>. Default false.</summary>
    public bool Nesterov { get; set; }

    /// <summary>Adam's β1. Default 0.9.</summary>
    public float Beta1 { get; set; } = Defaults.Beta1;

    /// <summary>Adam's β2. Default 0.999.</summary>
    public float Beta2 { get; set; } = Defaults.Beta2;

    /// <summary>Adam's ε. Default 1e-8.</summary>
    public float Epsilon { get; set; } = Defaults.Epsilon;

    /// <summary>
    /// λ of the penalty <c>(λ/2)·Σ‖W‖²</c> on weights (not biases), added to each mini-batch's mean loss.
    /// Default 0: the handout's loss exactly; try 1e-4–1e-2 against overfitting. (scikit-learn's alpha is
    /// divided by the batch size: its alpha equals λ × batch size here.)
    /// </summary>
    public float L2Regularization { get; set; }

    /// <summary>Rows per mini-batch; 0 = full batch, the handout's <c>1/N Σ</c>. Default 32.</summary>
    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>Most passes over the training rows; with early stopping (the default) training usually stops well before. Default 100.</summary>
    public int NumberOfEpochs { get; set; } = Defaults.NumberOfEpochs;

    /// <summary>Reshuffle the training rows every epoch. Default true.</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>
    /// Fraction of the training rows held out (stratified by label) for early stopping when no validation set is passed
    /// to Fit. When it would give fewer than 20 validation rows (or fewer than 2 of a class), every row trains instead
    /// (logged). Default 0.1; 0 trains on every row for <see cref="NumberOfEpochs"/> epochs.
    /// </summary>
    public float ValidationFraction { get; set; } = Defaults.ValidationFraction;

    /// <summary>
    /// Epochs without a better validation loss before training stops and the best epoch's weights
    /// are restored; applies only when there is validation data. 0 disables. Default 3.
    /// </summary>
    public int EarlyStoppingPatience { get; set; } = Defaults.EarlyStoppingPatience;

    /// <summary>
    /// For sparse features (text, one-hot): also with Momentum, Adam or L2, update only the first-layer rows
    /// each mini-batch uses, as PyTorch's SparseAdam, so an epoch costs in proportion to the non-zeros rather
    /// than to the feature count. Skipped rows then miss that batch's momentum, Adam moments and L2 decay (the
    /// usual lazy approximation). Plain SGD without L2 always updates sparsely, exactly. Default true; false updates
    /// every row of <c>W1</c> every step.
    /// </summary>
    public bool LazySparseUpdates { get; set; } = true;

    /// <summary>Seed of initial weights, shuffles and the validation split; null derives one from the MLContext's seed (0 outside ML.NET). Default null.</summary>
    public int? Seed { get; set; }

    /// <summary>Threads for the matrix products; null = all cores. Results are bit-identical whatever the count. Default null.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Receives each epoch's losses as training goes (e.g. for a progress bar). Default none.</summary>
    public IProgress<MlpEpochRecord>? Progress { get; set; }

    /// <summary>Threads the matrix products may use, leaving <paramref name="busyElsewhere"/> cores (a background reader) free when <see cref="NumberOfThreads"/> is not set.</summary>
    internal int MaxThreads(int busyElsewhere = 0) => NumberOfThreads ?? Math.Max(1, Environment.ProcessorCount - busyElsewhere);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the first invalid option.</summary>
    internal void Validate()
    {
        if (HiddenLayers.Count == 0)
        {
            throw new ArgumentException("HiddenLayers must contain at least one layer (the handout's network has two: tanh then sigmoid).", nameof(HiddenLayers));
        }

        if (HiddenLayers.Count > NetworkLimits.MaxHiddenLayers)
        {
            throw new ArgumentOutOfRangeException(nameof(HiddenLayers), HiddenLayers.Count, $"HiddenLayers may hold at most {NetworkLimits.MaxHiddenLayers} layers.");
        }

        for (int i = 0; i < HiddenLayers.Count; i++)
        {
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
        InRange(Momentum, 0, 1, nameof(Momentum));
        InRange(Beta1, 0, 1, nameof(Beta1));
        InRange(Beta2, 0, 1, nameof(Beta2));
        Positive(Epsilon, nameof(Epsilon));
        if (!float.IsFinite(L2Regularization) || L2Regularization < 0)
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

        if (!float.IsFinite(ValidationFraction) || ValidationFraction < 0 || ValidationFraction >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction must be in [0, 1).");
        }

        if (EarlyStoppingPatience < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "EarlyStoppingPatience must be ≥ 0 (0 disables early stopping).");
        }

        if (NumberOfThreads is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(NumberOfThreads), NumberOfThreads, "NumberOfThreads must be at least 1 (or null for all cores).");
        }
    }

    private static void Positive(float value, string name)
    {
        if (!float.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0.");
        }
    }

    private static void InRange(float value, float low, float high, string name)
    {
        if (!float.IsFinite(value) || value < low || value >= high)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{low}, {high}).");
        }
    }
}
