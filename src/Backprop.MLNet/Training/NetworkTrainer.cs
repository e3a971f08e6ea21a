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

    /// <summary>Trains a network on <paramref name="train"/>, held in memory.</summary>
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
        if (validation is not null && validation.Columns != train.Columns)
        {
            throw new ArgumentException($"The validation data has {validation.Columns} features but the training data has {train.Columns}.", nameof(validation));
        }

        // The weights are drawn first, then the validation split: the seed's draws keep that order.
        var random = new DeterministicRandom(seed);
        NetworkParameters<T> initial = InitialWeights(train.Columns, start, options, random);

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

        RequireWeight(train, trainRows, heldOutRows is null ? "training rows" : "training rows left after holding out ValidationFraction");
        IBatchSource<T>? validationBatches = null;
        if (validation is not null)
        {
            int[] all = Enumerable.Range(0, validation.Rows).ToArray();
            RequireWeight(validation, all, "validation rows");
            validationBatches = new InMemoryBatches<T>(validation, all, LossEvaluator<T>.ChunkRows);
        }
        else if (heldOutRows is not null)
        {
            RequireWeight(train, heldOutRows, "rows held out by ValidationFraction");
            validationBatches = new InMemoryBatches<T>(train, heldOutRows, LossEvaluator<T>.ChunkRows);
        }

        var trainBatches = new InMemoryBatches<T>(train, trainRows, options.BatchSize);
        return Train(trainBatches, validationBatches, initial, warmStart: start is not null, options, random, observer, cancellation);
    }

    /// <summary>
    /// Trains from batch sources (in memory or streamed), starting at <paramref name="initial"/> (raw units: a warm
    /// start's weights, or a fresh initialisation). When training diverges (a non-finite loss or weight) or collapses
    /// (training narrows every row to the same score, as saturated units do after too large a step), it starts again from
    /// <paramref name="initial"/> with a tenth of the learning rate, up to <see cref="MaxRetries"/> times, and says so
    /// through <see cref="TrainingObserver.Warning"/>; if every try fails, it throws an error naming LearningRate and
    /// feature scaling. A model that predicts nothing is never returned silently.
    /// </summary>
    public static TrainingResult<T> Train<T>(
        IBatchSource<T> train, IBatchSource<T>? validation, NetworkParameters<T> initial, bool warmStart,
        MlpTrainingOptions options, DeterministicRandom random, TrainingObserver? observer, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        options.Validate();
        FeatureScaling<T>? scaling = options.NormalizeFeatures ? FeatureScaling<T>.FromStatistics(train.ComputeStatistics()) : null;
        train.UseScaling(scaling);
        validation?.UseScaling(scaling);
        NetworkParameters<T> start = initial.Clone();
        if (scaling is not null && warmStart)
        {
            scaling.UnfoldFrom(start); // the given weights are in raw units; training works in scaled ones
        }

        double learningRate = options.LearningRate;
        for (int attempt = 0; ; attempt++)
        {
            Run<T> run = RunEpochs(train, validation, start.Clone(), options, learningRate, random, observer, cancellation);
            // Scores that barely vary are a collapse only when training narrowed them or units saturated (many rows tie
            // on one score): a wide first layer's fresh initialisation already gives nearly one score, and a short or
            // slow run may not have spread it yet.
            double startSpan = run.Failure is null && run.Scores.Span <= ConstantScoreSpan
                ? new LossEvaluator<T>(start.Layout, validation ?? train).LogitSpread(start, options.MaxThreads(train.BackgroundThreads)).Span
                : double.NaN;
            string? failure = run.Failure ?? Collapse(run, startSpan);
            if (failure is null)
            {
                if (run.Scores.Span <= ConstantScoreSpan)
                {
                    observer?.Warning?.Invoke(
                        $"The model's scores barely vary (its logits span {run.Scores.Span:G3}, {startSpan:G3} before training): " +
                        "it has hardly learned yet. More epochs or a larger LearningRate may help.");
                }

                if (attempt > 0)
                {
                    observer?.Warning?.Invoke(
                        $"Trained with LearningRate {learningRate:G} instead of {options.LearningRate:G}: with {options.LearningRate:G} training did not learn. Set a smaller LearningRate to skip the failed tries.");
                }

                scaling?.FoldInto(run.Network);
                return new TrainingResult<T>(run.Network, run.History, run.BestEpoch, run.StoppedEarly, learningRate);
            }

            if (attempt == MaxRetries)
            {
                throw new InvalidOperationException(
                    $"Training did not learn: {failure} (also with LearningRate lowered {MaxRetries} times to {learningRate:G}). " +
                    $"Lower LearningRate (now {options.LearningRate:G}) further, scale the features (NormalizeFeatures, now {options.NormalizeFeatures}; or NormalizeMinMax / " +
                    "NormalizeMeanVariance in the pipeline), and check that the features carry information about the label.");
            }

            observer?.Warning?.Invoke($"Training with LearningRate {learningRate:G} did not learn ({failure}); starting again with {learningRate / 10:G}.");
            learningRate /= 10;
        }
    }

    /// <summary>How many times training starts again with a tenth of the learning rate before it gives up.</summary>
    public const int MaxRetries = 3;

    /// <summary>A warm start's weights (checked against the data's shape), or a fresh initialisation of the options' layers.</summary>
    public static NetworkParameters<T> InitialWeights<T>(int columns, NetworkParameters<T>? start, MlpTrainingOptions options, DeterministicRandom random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layout = new ParameterLayout(columns, start?.Layout.HiddenSizes.ToArray() ?? options.HiddenLayers.Select(l => l.Size).ToArray());
        MlpActivation[] activations = start?.Activations ?? options.HiddenLayers.Select(l => l.Activation).ToArray();
        return start is null ? WeightInitializer.Create<T>(layout, activations, random) : CheckedWarmStart(start, layout);
    }

    /// <summary>One try: epochs of mini-batches from <paramref name="net"/> on, early stopping, the best epoch restored.</summary>
    private static Run<T> RunEpochs<T>(
        IBatchSource<T> train, IBatchSource<T>? validation, NetworkParameters<T> net, MlpTrainingOptions options, double learningRate,
        DeterministicRandom random, TrainingObserver? observer, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ParameterLayout layout = net.Layout;
        int maxThreads = options.MaxThreads(train.BackgroundThreads);
        var validationEvaluator = validation is null ? null : new LossEvaluator<T>(layout, validation);
        var ws = new Workspace<T>(layout, train.MaxBatchRows);
        ParameterOptimizer<T> optimizer = ParameterOptimizer<T>.Create(options, layout.Count, learningRate);
        T lambda = T.CreateChecked(options.L2Regularization);

        // On sparse rows, ∂W1 is non-zero only on the rows a batch uses. Plain SGD without L2 then changes only those
        // rows, so updating just them is exact; with LazySparseUpdates the other optimizers do the same (lazily, as
        // PyTorch's SparseAdam). Either way an epoch then costs in proportion to the non-zeros, not the feature count.
        bool exactlySparse = options.Optimizer == MlpOptimizer.Sgd && lambda == T.Zero;
        var gradient = new ParameterGradient<T>(layout, trackFirstLayerRows: train.IsSparse && (exactlySparse || options.LazySparseUpdates));

        var history = new List<MlpEpochRecord>();
        T[]? best = null;
        double bestLoss = double.PositiveInfinity, positiveWeight = 0, totalWeight = 0;
        int bestEpoch = 0, epochsWithoutImprovement = 0;
        bool stoppedEarly = false;
        bool earlyStopping = validation is not null && options.EarlyStoppingPatience > 0;

        for (int epoch = 1; epoch <= options.NumberOfEpochs; epoch++)
        {
            double lossSum = 0, weightSum = 0;
            train.BeginPass(options.Shuffle ? random : null);
            while (train.NextBatch())
            {
                cancellation.ThrowIfCancellationRequested();
                if (!LossEvaluator<T>.HasPositiveWeight(train.Weights))
                {
                    continue; // A batch of zero-weight rows carries no gradient.
                }

                (T loss, T batchWeight) = Objective.LossAndGradient(net, train.Features, train.Labels, train.Weights, lambda, ws, gradient, maxThreads);
                if (!T.IsFinite(loss))
                {
                    return Run<T>.Diverged(net, history, $"the loss became {loss} in epoch {epoch}");
                }

                if (epoch == 1)
                {
                    (double positive, double all) = LabelWeights(train.Labels, train.Weights);
                    positiveWeight += positive;
                    totalWeight += all;
                }

                gradient.Apply(optimizer, net.Values);

                lossSum += double.CreateChecked(loss * batchWeight);
                weightSum += double.CreateChecked(batchWeight);
            }

            if (!net.AllFinite())
            {
                return Run<T>.Diverged(net, history, $"the weights became NaN or infinite in epoch {epoch}");
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

        // The kept weights' scores: on the validation rows when there are some, else on the training rows.
        var scores = new LossEvaluator<T>(layout, validation ?? train);
        ScoreSpread spread = scores.LogitSpread(net, maxThreads);
        double baseRateLoss = BaseRateLoss(totalWeight > 0 ? positiveWeight / totalWeight : double.NaN);
        return new Run<T>(net, history, bestEpoch, stoppedEarly, null, spread, baseRateLoss);
    }

    /// <summary>
    /// Why a finished try is useless, or null. Two signs of a step too large or of saturated units: the kept weights give
    /// every row nearly the same score (the logits span at most <see cref="ConstantScoreSpan"/>) and either training
    /// narrowed them to less than half the starting weights' span or at least <see cref="SaturatedTiedShare"/> of the rows
    /// tie on one score; or the kept epoch's loss (validation loss when there is one) is more than
    /// <see cref="SaturatedLossFactor"/> times the loss of always predicting the base rate (probabilities pinned at 0 and 1).
    /// A network that is merely under-trained shows neither: its scores have not narrowed, each row's differs a little,
    /// and its loss stays near the base rate's.
    /// </summary>
    /// <param name="run">The finished try.</param>
    /// <param name="startSpan">The logits' span under the starting weights on the same rows (NaN when not needed).</param>
    private static string? Collapse<T>(Run<T> run, double startSpan)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ScoreSpread scores = run.Scores;
        if (scores.Span <= ConstantScoreSpan && (scores.Span < startSpan / 2 || scores.LargestTiedShare >= SaturatedTiedShare))
        {
            return $"it gives every row the same score (the logits span {scores.Span:G3}, {startSpan:G3} before training; " +
                   $"{scores.LargestTiedShare:P0} of the rows get exactly one score)";
        }

        MlpEpochRecord kept = run.History[run.BestEpoch - 1];
        double loss = kept.ValidationLoss ?? kept.TrainingLoss;
        return run.BaseRateLoss > 0 && loss > SaturatedLossFactor * run.BaseRateLoss
            ? $"its {(kept.ValidationLoss is null ? "training" : "validation")} loss {loss:G4} is more than {SaturatedLossFactor} times {run.BaseRateLoss:G4}, " +
              "that of always predicting the base rate: its probabilities are pinned at 0 and 1"
            : null;
    }

    /// <summary>
    /// Largest span of the logits that still counts as one constant score: every probability within about 0.25 % of
    /// the others (a trained model's logits span several units).
    /// </summary>
    private const double ConstantScoreSpan = 0.01;

    /// <summary>Share of rows tied on one exact score that means saturated units (a live network's scores all differ).</summary>
    private const double SaturatedTiedShare = 0.5;

    /// <summary>A kept loss this many times the base rate's means saturated probabilities, not slow learning.</summary>
    private const double SaturatedLossFactor = 10;

    /// <summary>−p·ln p − (1 − p)·ln(1 − p): the mean loss of always predicting p on rows with a share p of positives (NaN when unknown).</summary>
    private static double BaseRateLoss(double p) =>
        double.IsNaN(p) ? double.NaN : p is <= 0 or >= 1 ? 0 : -p * Math.Log(p) - (1 - p) * Math.Log(1 - p);

    private static (double Positive, double All) LabelWeights<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> weights)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double positive = 0, all = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double w = weights.IsEmpty ? 1 : double.CreateChecked(weights[i]);
            positive += w * double.CreateChecked(labels[i]);
            all += w;
        }

        return (positive, all);
    }

    /// <summary>How one try went.</summary>
    private sealed record Run<T>(NetworkParameters<T> Network, List<MlpEpochRecord> History, int BestEpoch, bool StoppedEarly, string? Failure, ScoreSpread Scores, double BaseRateLoss)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Run<T> Diverged(NetworkParameters<T> net, List<MlpEpochRecord> history, string what) => new(net, history, 0, false, $"it diverged ({what})", default, double.NaN);
    }

    /// <summary>The example-weighted mean BCE of the network on the given rows (no L2 term), their features scaled by <paramref name="scaling"/> if given.</summary>
    public static double MeanLoss<T>(NetworkParameters<T> net, TrainingSet<T> set, int[] rows, int maxThreads = 1, FeatureScaling<T>? scaling = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var batches = new InMemoryBatches<T>(set, rows, LossEvaluator<T>.ChunkRows);
        batches.UseScaling(scaling);
        return new LossEvaluator<T>(net.Layout, batches).MeanLoss(net, maxThreads);
    }

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
}
