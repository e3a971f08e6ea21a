namespace Backprop.MLNet;

public sealed partial class BackpropMlpTrainer
{
    /// <summary>Options of <see cref="BackpropMlpTrainer"/>; every property has a documented default.</summary>
    public sealed class Options
    {
        /// <summary>Boolean label column. Default "Label".</summary>
        public string LabelColumnName { get; set; } = "Label";

        /// <summary>Known-size <c>Vector&lt;Single&gt;</c> feature column, dense or sparse. Default "Features".</summary>
        public string FeatureColumnName { get; set; } = "Features";

        /// <summary>Optional <c>Single</c> example-weight column sᵢ; the loss becomes <c>Σ sᵢ·BCEᵢ / Σ sᵢ</c>. Default none.</summary>
        public string? ExampleWeightColumnName { get; set; }

        /// <summary>Hidden layers, first to last. Default the handout's: 32 tanh, then 16 sigmoid (adding a layer replaces the defaults).</summary>
        public MlpLayerCollection HiddenLayers { get; } = new();

        /// <summary>Update rule. Default <see cref="MlpOptimizer.Adam"/>.</summary>
        public MlpOptimizer Optimizer { get; set; } = MlpOptimizer.Adam;

        /// <summary>Step size η. Default 0.001 (suits Adam; plain SGD usually wants 0.01–0.5).</summary>
        public float LearningRate { get; set; } = 0.001f;

        /// <summary>μ for <see cref="MlpOptimizer.Momentum"/>. Default 0.9.</summary>
        public float Momentum { get; set; } = 0.9f;

        /// <summary>Nesterov's look-ahead for <see cref="MlpOptimizer.Momentum"/>. Default false.</summary>
        public bool Nesterov { get; set; }

        /// <summary>Adam's β1. Default 0.9.</summary>
        public float Beta1 { get; set; } = 0.9f;

        /// <summary>Adam's β2. Default 0.999.</summary>
        public float Beta2 { get; set; } = 0.999f;

        /// <summary>Adam's ε. Default 1e-8.</summary>
        public float Epsilon { get; set; } = 1e-8f;

        /// <summary>
        /// λ of the penalty <c>(λ/2)·Σ‖W‖²</c> on weights (not biases), added to each mini-batch's mean loss.
        /// Default 0: the handout's loss exactly; try 1e-4–1e-2 against overfitting. (scikit-learn's alpha is
        /// divided by the batch size: its alpha equals λ × batch size here.)
        /// </summary>
        public float L2Regularization { get; set; }

        /// <summary>Rows per mini-batch; 0 = full batch, the handout's <c>1/N Σ</c>. Default 32.</summary>
        public int BatchSize { get; set; } = 32;

        /// <summary>Passes over the training rows. Default 100.</summary>
        public int NumberOfEpochs { get; set; } = 100;

        /// <summary>Reshuffle the training rows every epoch. Default true.</summary>
        public bool Shuffle { get; set; } = true;

        /// <summary>Fraction of training rows held out for early stopping when no validation set is passed to Fit. Default 0 (none).</summary>
        public float ValidationFraction { get; set; }

        /// <summary>
        /// Epochs without a better validation loss before training stops and the best epoch's weights
        /// are restored; applies only when there is validation data. 0 disables. Default 10.
        /// </summary>
        public int EarlyStoppingPatience { get; set; } = 10;

        /// <summary>
        /// For sparse features (text, one-hot): also with Momentum, Adam or L2, update only the first-layer rows
        /// each mini-batch uses, as PyTorch's SparseAdam, so an epoch costs in proportion to the non-zeros rather
        /// than to the feature count. Skipped rows then miss that batch's momentum, Adam moments and L2 decay (the
        /// usual lazy approximation). Plain SGD without L2 always updates sparsely, exactly. Default false.
        /// </summary>
        public bool LazySparseUpdates { get; set; }

        /// <summary>Seed of initial weights, shuffles and the validation split; null derives one from the MLContext's seed. Default null.</summary>
        public int? Seed { get; set; }

        /// <summary>Threads for the matrix products; null = all cores. Results are bit-identical whatever the count. Default null.</summary>
        public int? NumberOfThreads { get; set; }

        /// <summary>Receives each epoch's losses as training goes (e.g. for a progress bar). Default none.</summary>
        public IProgress<MlpEpochRecord>? Progress { get; set; }
    }
}
