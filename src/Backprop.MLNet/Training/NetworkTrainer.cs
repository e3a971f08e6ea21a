using System.Numerics;
using Backprop.MLNet.Network;
using Backprop.MLNet.Training.Optimizers;

namespace Backprop.MLNet.Training;

/// <summary>
/// The training loop: epochs of shuffled mini-batches, each a forward pass, the loss, backpropagation,
/// L2 and one optimizer step; validation loss and early stopping after every epoch.
/// </summary>
internal static class NetworkTrainer
{
    /// <summary>Trains a network on <paramref name="train"/>, with the seed <c>options.Seed ?? 0</c>.</summary>
    public static TrainingResult<T> Train<T>(TrainingSet<T> train, TrainingSet<T>? validation, NetworkParameters<T>? start, MlpTrainingOptions options)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Train(train, validation, start, options, options.Seed ?? 0);

    /// <summary>Trains a network on <paramref name="train"/>.</summary>
    /// <param name="train">Training rows.</param>
    /// <param name="validation">Rows for early stopping, or null (then <see cref="MlpTrainingOptions.ValidationFraction"/> may hold some out).</param>
    /// <param name="start">Weights to start from (warm start; they define the layers), or null for a fresh initialisation of <see cref="MlpTrainingOptions.HiddenLayers"/>.</param>
    /// <param name="options">Hyper-parameters, read as they are (never changed).</param>
    /// <param name="seed">Seed of the initial weights, the shuffles and the validation split.</param>
    /// <param name="observer">Progress callbacks, or null.</param>
    /// <param name="cancellation">Checked before every mini-batch.</param>
    public static TrainingResult<T> Train<T>(
        TrainingSet<T> train, TrainingSet<T>? validation, NetworkParameters<T>? start,
        MlpTrainingOptions options, int seed, TrainingObserver? observer = null, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        options.Validate();
        var layout = new ParameterLayout(train.Columns, start?.Layout.HiddenSizes.ToArray() ?? options.HiddenLayers.Select(l => l.Size).ToArray());
        MlpActivation[] activations = start?.Activations ?? options.HiddenLayers.Select(l => l.Activation).ToArray();
        int maxThreads = options.MaxThreads;
        if (validation is not null && validation.Columns != train.Columns)
        {
            throw new ArgumentException($"The validation data has {validation.Columns} features but the training data has {train.Columns}.", nameof(validation));
        }

        var random = new DeterministicRandom(seed);
        NetworkParameters<T> net = start is null
            ? WeightInitializer.Create<T>(layout, activations, random)
            : CheckedWarmStart(start, layout);

        // Scaled features: statistics of all training rows; a warm start's raw-unit weights move into scaled units.
        FeatureScaling<T>? scaling = options.NormalizeFeatures ? FeatureScaling<T>.Fit(train) : null;
        if (scaling is not null && start is not null)
        {
            scaling.UnfoldFrom(net);
        }

        // Rows used for training and, when held out (stratified by label), for validation.
        int[] trainRows = Enumerable.Range(0, train.Rows).ToArray();
        int[]? heldOutRows = null;
        if (validation is null && options.ValidationFraction > 0)
        {
            (trainRows, heldOutRows) = ValidationSplit.Split(train, options.ValidationFraction, random);
            if (heldOutRows is null)
            {
                observer?.Info?.Invoke(
                    $"Kept all {train.Rows} rows for training: ValidationFraction {options.ValidationFraction:G} of them would give fewer than " +
                    $"{ValidationSplit.MinimumRows} validation rows (or fewer than {ValidationSplit.MinimumRowsPerClass} of a class) to stop early on.");
            }
        }

        TrainingSet<T>? validationSet = validation ?? (heldOutRows is null ? null : train);
        int[]? validationRows = validation is not null ? Enumerable.Range(0, validation.Rows).ToArray() : heldOutRows;
        RequireWeight(train, trainRows, heldOutRows is null ? "training rows" : "training rows left after holding out ValidationFraction");
        if (validationSet is not null)
        {
            RequireWeight(validationSet, validationRows!, heldOutRows is null ? "validation rows" : "rows held out by ValidationFraction");
        }

        LossEvaluator<T>? validationEvaluator = validationSet is null ? null : new LossEvaluator<T>(layout, validationSet, validationRows!, scaling);
        int batchSize = options.BatchSize == 0 ? trainRows.Length : Math.Min(options.BatchSize, trainRows.Length);
        var ws = new Workspace<T>(layout, batchSize);
        var batch = new BatchAssembler<T>(train, batchSize, scaling);
        var gradient = new T[layout.Count];
        ParameterOptimizer<T> optimizer = ParameterOptimizer<T>.Create(options, layout.Count);
        T lambda = T.CreateChecked(options.L2Regularization);

        // On sparse rows, ∂W1 is non-zero only on the rows a batch uses. Plain SGD without L2 then changes only those
        // rows, so updating just them is exact; with LazySparseUpdates the other optimizers do the same (lazily, as
        // PyTorch's SparseAdam). Either way an epoch then costs in proportion to the non-zeros, not the feature count.
        bool exactlySparse = options.Optimizer == MlpOptimizer.Sgd && lambda == T.Zero;
        TouchedRows? touched = train.IsSparse && (exactlySparse || options.LazySparseUpdates) ? new TouchedRows(train.Columns) : null;
        int firstLayerWeights = layout.WeightCount(0), firstLayerWidth = layout.HiddenSizes[0];

        var history = new List<MlpEpochRecord>(options.NumberOfEpochs);
        T[]? best = null;
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, epochsWithoutImprovement = 0;
        bool stoppedEarly = false;
        bool earlyStopping = validationSet is not null && options.EarlyStoppingPatience > 0;

        for (int epoch = 1; epoch <= options.NumberOfEpochs; epoch++)
        {
            if (options.Shuffle)
            {
                random.Shuffle(trainRows);
            }

            double lossSum = 0, weightSum = 0;
            for (int first = 0; first < trainRows.Length; first += batchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                int rows = Math.Min(batchSize, trainRows.Length - first);
                batch.Gather(trainRows.AsSpan(first, rows));
                if (!LossEvaluator<T>.HasPositiveWeight(batch.Weights))
                {
                    continue; // A batch of zero-weight rows carries no gradient.
                }

                (T loss, T batchWeight) = Objective.LossAndGradient(net, batch.Features, batch.Labels, batch.Weights, lambda, ws, gradient, maxThreads, touched);
                if (!T.IsFinite(loss))
                {
                    throw Diverged(epoch, double.CreateChecked(loss), options);
                }

                if (touched is null)
                {
                    optimizer.Step(net.Values, gradient);
                }
                else
                {
                    // Everything after W1, then the rows of W1 the batch used.
                    optimizer.BeginStep();
                    optimizer.Update(net.Values.AsSpan(firstLayerWeights), gradient.AsSpan(firstLayerWeights), firstLayerWeights);
                    foreach (int row in touched.Rows)
                    {
                        int offset = row * firstLayerWidth;
                        optimizer.Update(net.Values.AsSpan(offset, firstLayerWidth), gradient.AsSpan(offset, firstLayerWidth), offset);
                    }
                }

                lossSum += double.CreateChecked(loss * batchWeight);
                weightSum += double.CreateChecked(batchWeight);
            }

            if (!net.AllFinite())
            {
                throw Diverged(epoch, double.NaN, options);
            }

            double trainingLoss = weightSum > 0 ? lossSum / weightSum : double.NaN;
            double? validationLoss = validationEvaluator?.MeanLoss(net, maxThreads);
            var record = new MlpEpochRecord(epoch, trainingLoss, validationLoss);
            history.Add(record);
            observer?.EpochCompleted?.Invoke(record);

            if (!earlyStopping)
            {
                bestEpoch = epoch;
                continue;
            }

            if (validationLoss!.Value < bestLoss)
            {
                bestLoss = validationLoss.Value;
                bestEpoch = epoch;
                epochsWithoutImprovement = 0;
                best ??= new T[layout.Count];
                net.Values.CopyTo(best, 0);
            }
            else if (++epochsWithoutImprovement >= options.EarlyStoppingPatience)
            {
                stoppedEarly = epoch < options.NumberOfEpochs;
                observer?.Info?.Invoke($"Early stopping at epoch {epoch}: the validation loss has not improved for {options.EarlyStoppingPatience} epochs.");
                break;
            }
        }

        if (bestEpoch == 0)
        {
            bestEpoch = history.Count; // no validation loss ever improved on +∞ (all NaN): keep the last weights
        }

        if (best is not null && bestEpoch != history.Count)
        {
            best.CopyTo(net.Values, 0);
            observer?.Info?.Invoke($"Restored the weights of epoch {bestEpoch}, the best validation loss ({bestLoss:G6}).");
        }

        scaling?.FoldInto(net);
        return new TrainingResult<T>(net, history, bestEpoch, stoppedEarly);
    }

    /// <summary>The example-weighted mean BCE of the network on the given rows (no L2 term), their features scaled by <paramref name="scaling"/> if given.</summary>
    public static double MeanLoss<T>(NetworkParameters<T> net, TrainingSet<T> set, int[] rows, int maxThreads = 1, FeatureScaling<T>? scaling = null)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new LossEvaluator<T>(net.Layout, set, rows, scaling).MeanLoss(net, maxThreads);

    /// <summary>A set of rows whose example weights are all zero has no loss to minimise (or to stop early on): say so.</summary>
    private static void RequireWeight<T>(TrainingSet<T> set, int[] rows, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (set.Weights is { } weights && rows.All(i => weights[i] == T.Zero))
        {
            throw new InvalidOperationException($"All {rows.Length} {what} have example weight 0, so their loss is undefined.");
        }
    }

    private static NetworkParameters<T> CheckedWarmStart<T>(NetworkParameters<T> start, ParameterLayout layout)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!start.Layout.SameShapeAs(layout))
        {
            throw new ArgumentException(
                $"The starting weights have shape {Describe(start.Layout)} but the data and HiddenLayers ask for {Describe(layout)}.", "startingWeights");
        }

        return start.Clone();
    }

    private static string Describe(ParameterLayout layout) => $"{layout.InputCount}→{string.Join("→", layout.HiddenSizes)}→1";

    private static InvalidOperationException Diverged(int epoch, double loss, MlpTrainingOptions options) => new(
        $"Training diverged at epoch {epoch}: the {(double.IsNaN(loss) ? "weights or loss" : "loss")} became {(double.IsNaN(loss) ? "NaN or infinite" : loss.ToString("G"))}. " +
        $"Normalise the features (e.g. NormalizeMinMax or NormalizeMeanVariance) or lower LearningRate (now {options.LearningRate:G}).");
}
