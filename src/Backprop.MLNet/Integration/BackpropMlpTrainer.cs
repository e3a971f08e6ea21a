using Backprop.MLNet.Integration.Data;
using Backprop.MLNet.Integration.Scoring;
using Backprop.MLNet.Network;
using Backprop.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace Backprop.MLNet;

/// <summary>
/// The ML.NET estimator that trains the handout's multilayer perceptron by backpropagation. Create it
/// with <c>mlContext.BinaryClassification.Trainers.BackpropMlp(...)</c>.
/// </summary>
/// <remarks>
/// Input: a Boolean label, a known-size <c>Vector&lt;Single&gt;</c> feature column (dense or sparse) and
/// an optional Single weight column. <c>Fit</c> returns ML.NET's own
/// <see cref="BinaryPredictionTransformer{TModel}"/> of <see cref="BackpropMlpModelParameters"/>, whose output columns are
/// <c>Score</c> (the logit u3), <c>Probability</c> (σ(u3)) and <c>PredictedLabel</c> (Score &gt; 0). Rows with NaN
/// features or invalid weights are skipped during training and counted in the log.
/// </remarks>
public sealed partial class BackpropMlpTrainer : ITrainerEstimator<BinaryPredictionTransformer<BackpropMlpModelParameters>, BackpropMlpModelParameters>
{
    internal const string LoadName = "BackpropMlp";

    private readonly IHost host;
    private readonly Options options;

    internal BackpropMlpTrainer(IHostEnvironment environment, Options options)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        host = environment.Register(LoadName);
        this.options = options;
        Validate(); // every option now, naming the bad one
        Info = new TrainerInfo(normalization: true, calibration: false, caching: false, supportValid: true, supportIncrementalTrain: true, supportTest: false);
    }

    /// <summary>What ML.NET needs to know about this trainer: it wants normalised features and supports validation data and warm starts.</summary>
    public TrainerInfo Info { get; }

    /// <summary>Trains on <paramref name="input"/>.</summary>
    public BinaryPredictionTransformer<BackpropMlpModelParameters> Fit(IDataView input) => Fit(input, validationData: null, startingWeights: null);

    /// <summary>Trains on <paramref name="trainData"/>, early-stopping on <paramref name="validationData"/>.</summary>
    public BinaryPredictionTransformer<BackpropMlpModelParameters> Fit(IDataView trainData, IDataView validationData) => Fit(trainData, validationData, startingWeights: null);

    /// <summary>Continues training from given weights (a warm start; also reproduces a hand-computed step).</summary>
    public BinaryPredictionTransformer<BackpropMlpModelParameters> Fit(IDataView trainData, BackpropMlpModelParameters startingWeights) => Fit(trainData, validationData: null, startingWeights);

    /// <summary>Trains with optional validation data and optional starting weights.</summary>
    /// <param name="trainData">Training rows.</param>
    /// <param name="validationData">Rows for early stopping, or null.</param>
    /// <param name="startingWeights">Weights to start from, or null for a fresh Glorot/He initialisation. Their layers are used; HiddenLayers must be left at its default or describe the same layers.</param>
    public BinaryPredictionTransformer<BackpropMlpModelParameters> Fit(IDataView trainData, IDataView? validationData, BackpropMlpModelParameters? startingWeights)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        int seed = options.Seed ?? host.Rand.Next();
        Validate();
        string? startShape = startingWeights is null ? null
            : string.Join(", ", startingWeights.Network.Layout.HiddenSizes.Zip(startingWeights.Network.Activations, (size, activation) => $"{size} {activation}"));
        if (startingWeights is not null)
        {
            // The starting network defines the architecture; layers the user set explicitly must agree with it.
            string optionShape = string.Join(", ", options.HiddenLayers.Select(l => $"{l.Size} {l.Activation}"));
            if (!options.HiddenLayers.HoldsDefaults && startShape != optionShape)
            {
                throw new ArgumentException(
                    $"The starting weights have hidden layers [{startShape}], but HiddenLayers is set to [{optionShape}]. " +
                    "Leave HiddenLayers at its default to continue from the starting weights' layers, or set it to the same layers.",
                    nameof(startingWeights));
            }
        }

        // Anything Fit returns can be saved and loaded again: the network's size is checked against the shared limits
        // before a row is read.
        int featureIndex = ColumnChecks.CheckFeatureColumn(trainData.Schema, options.FeatureColumnName, expectedSize: null);
        int featureCount = ((VectorDataViewType)trainData.Schema[featureIndex].Type).Size;
        NetworkLimits.CheckTrainable(featureCount, startingWeights?.Network.Layout.HiddenSizes ?? options.HiddenLayers.Select(l => l.Size).ToArray());

        using IChannel channel = host.Start("Training");
        Action throwIfCanceled = () =>
        {
            if (IsCanceled())
            {
                throw new OperationCanceledException("Training was canceled through MLContext.CancelExecution().");
            }
        };

        // In memory when the rows fit within the limit; otherwise every epoch streams them from the IDataView.
        long limit = InMemoryLimitBytes(out string limitText);
        TrainingDataReader.Result? train = TrainingDataReader.Read(trainData, options.LabelColumnName, options.FeatureColumnName, options.ExampleWeightColumnName, throwIfCanceled, "training", limit);
        TrainingSet<float>? validation = null;
        if (train is not null)
        {
            Report(channel, train, "training");
            if (validationData is not null)
            {
                TrainingDataReader.Result read = TrainingDataReader.Read(validationData, options.LabelColumnName, options.FeatureColumnName, options.ExampleWeightColumnName, throwIfCanceled, "validation");
                Report(channel, read, "validation");
                validation = read.Set;
            }

            channel.Info(
                $"Training BackpropMlp {train.Set.Columns}→{(startShape is null ? string.Join("→", options.HiddenLayers) : startShape.Replace(", ", "→"))}→1 sigmoid on {train.Set.Rows} rows " +
                $"({(train.Set.IsSparse ? "sparse" : "dense")}) held in memory, {options.Optimizer}, learning rate {options.LearningRate:G}, " +
                $"batch {(options.BatchSize == 0 ? "full" : options.BatchSize)}, at most {options.NumberOfEpochs} epochs, seed {seed}.");
        }

        // ML.NET raises no event when CancelExecution() is called: the flag is checked after every epoch (deterministic)
        // and, for long epochs, every 50 ms; either way the next mini-batch stops.
        using var cancellation = new CancellationTokenSource();
        var observer = new TrainingObserver
        {
            EpochCompleted = record =>
            {
                channel.Trace(
                    $"Epoch {record.Epoch}: training loss {record.TrainingLoss:G6}" + (record.ValidationLoss is double v ? $", validation loss {v:G6}" : ""));
                options.Progress?.Report(record);
                if (IsCanceled())
                {
                    cancellation.Cancel();
                }
            },
            Info = message => channel.Info(message),
            Warning = message => channel.Warning(message),
        };

        using var watcher = new Timer(_ =>
        {
            if (IsCanceled())
            {
                cancellation.Cancel();
            }
        }, null, 50, 50);

        TrainingResult<float> result;
        try
        {
            result = train is not null
                ? NetworkTrainer.Train(train.Set, validation, startingWeights?.Network, options, seed, observer, cancellation.Token)
                : TrainStreaming(trainData, validationData, startingWeights, seed, limit, limitText, channel, observer, throwIfCanceled, cancellation.Token);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw new OperationCanceledException("Training was canceled through MLContext.CancelExecution().");
        }

        channel.Info(
            $"Finished training after {result.History.Count} epochs; kept the weights of epoch {result.BestEpoch}; final training loss {result.History[^1].TrainingLoss:G6}.");
        var model = new BackpropMlpModelParameters(result.Network, result.History, result.BestEpoch);
        return new BinaryPredictionTransformer<BackpropMlpModelParameters>(host, model, trainData.Schema, options.FeatureColumnName);
    }

    /// <summary>Checks the input columns and describes the output: the input plus PredictedLabel, Score and Probability.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type (ML.NET's wording).</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.CheckTrainingShape(inputSchema, options.LabelColumnName, options.FeatureColumnName, options.ExampleWeightColumnName);
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (SchemaShape.Column column in ScoreSchema.OutputShapeColumns())
        {
            columns[column.Name] = column;
        }

        return new SchemaShape(columns.Values);
    }

    private void Validate()
    {
        if (string.IsNullOrWhiteSpace(options.LabelColumnName))
        {
            throw new ArgumentException("LabelColumnName must name a column.", nameof(Options.LabelColumnName));
        }

        if (string.IsNullOrWhiteSpace(options.FeatureColumnName))
        {
            throw new ArgumentException("FeatureColumnName must name a column.", nameof(Options.FeatureColumnName));
        }

        if (options.InMemoryDataLimitMegabytes is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.InMemoryDataLimitMegabytes), options.InMemoryDataLimitMegabytes, "InMemoryDataLimitMegabytes must be ≥ 0 (0 always streams; null chooses from the memory available).");
        }

        if (options.ExampleWeightColumnName is not null && string.IsNullOrWhiteSpace(options.ExampleWeightColumnName))
        {
            throw new ArgumentException("ExampleWeightColumnName must name a column, or be null when the rows have no weights.", nameof(Options.ExampleWeightColumnName));
        }

        options.Validate();
    }

    /// <summary>
    /// Trains on rows streamed from <paramref name="trainData"/> every epoch (they do not fit within the memory limit): the
    /// same optimizers, scaling, validation and early stopping, with mini-batches read through a bounded window.
    /// </summary>
    private TrainingResult<float> TrainStreaming(
        IDataView trainData, IDataView? validationData, BackpropMlpModelParameters? startingWeights, int seed, long limit, string limitText,
        IChannel channel, TrainingObserver observer, Action throwIfCanceled, CancellationToken cancellation)
    {
        if (options.BatchSize == 0)
        {
            throw new InvalidOperationException(
                $"BatchSize 0 (full batch) needs every training row in memory, but they take more than {limitText}. " +
                "Use mini-batches (BatchSize > 0) or raise InMemoryDataLimitMegabytes.");
        }

        // Two windows (one read while the other trains) take a quarter of the limit each, the validation rows the other half.
        long windowBytes = Math.Clamp(limit / 4, 1L << 20, 32L << 20);
        long validationBytes = Math.Max(limit / 2, 1L << 20);
        StreamingBatches Source(IDataView data, RowSelection? selection, int batchRows, string role)
        {
            DataViewSchema schema = data.Schema;
            DataViewSchema.Column feature = schema[ColumnChecks.CheckFeatureColumn(schema, options.FeatureColumnName, expectedSize: null)];
            DataViewSchema.Column label = schema[ColumnChecks.CheckLabelColumn(schema, options.LabelColumnName)];
            DataViewSchema.Column? weight = options.ExampleWeightColumnName is null ? null : schema[ColumnChecks.CheckWeightColumn(schema, options.ExampleWeightColumnName)];
            return new StreamingBatches(data, feature, label, weight, selection, batchRows, windowBytes, role, throwIfCanceled);
        }

        // Held-out rows are chosen by a hash of each row's id, so no list of rows is kept and every pass agrees. When the
        // view knows its row count, the share is capped so that they fit in half the limit; they are then read once into
        // memory (else, or if they do not fit after all, they are read again for every validation pass).
        bool holdOut = validationData is null && options.ValidationFraction > 0;
        double fraction = options.ValidationFraction;
        IBatchSource<float>? validationSource = null;
        StreamingBatches? streamedValidation = null;
        string heldOutText = "";
        if (validationData is not null)
        {
            TrainingDataReader.Result? read = TrainingDataReader.Read(validationData, options.LabelColumnName, options.FeatureColumnName, options.ExampleWeightColumnName, throwIfCanceled, "validation", validationBytes);
            if (read is not null)
            {
                Report(channel, read, "validation");
                validationSource = new InMemoryBatches<float>(read.Set, Enumerable.Range(0, read.Set.Rows).ToArray(), LossEvaluator<float>.ChunkRows);
            }
            else
            {
                validationSource = streamedValidation = Source(validationData, null, LossEvaluator<float>.ChunkRows, "validation");
            }
        }
        else if (holdOut)
        {
            StreamingBatches probe = Source(trainData, null, options.BatchSize, "training");
            double Fitting(long rows, double bytesPerRow) => Math.Min(fraction, validationBytes / 2.0 / bytesPerRow / rows); // expected at half the room: the hash is random
            if (!probe.IsSparse && trainData.GetRowCount() is long count and > 0)
            {
                fraction = Fitting(count, probe.EstimatedRowBytes); // a dense row's size is known
            }

            StreamingBatches heldOut = Source(trainData, new RowSelection(seed, fraction, HeldOut: true), LossEvaluator<float>.ChunkRows, "held-out");
            (TrainingSet<float>? inMemory, long heldOutRows, double bytesPerRow) = heldOut.ReadIntoMemory(validationBytes);
            if (inMemory is null && heldOutRows > 0)
            {
                // Too many to keep: now their number and size are known, so hold out fewer (one more pass, once).
                heldOut.Dispose();
                fraction = Fitting((long)Math.Ceiling(heldOutRows / fraction), bytesPerRow);
                heldOut = Source(trainData, new RowSelection(seed, fraction, HeldOut: true), LossEvaluator<float>.ChunkRows, "held-out");
                inMemory = heldOut.ReadIntoMemory(validationBytes).Set;
            }

            if (inMemory is null && heldOutRows == 0)
            {
                // The hash held out no row (a handful of rows, streamed only because the limit is tiny): train on all.
                heldOut.Dispose();
                holdOut = false;
            }
            else if (inMemory is not null)
            {
                heldOut.Dispose();
                validationSource = new InMemoryBatches<float>(inMemory, Enumerable.Range(0, inMemory.Rows).ToArray(), LossEvaluator<float>.ChunkRows);
                heldOutText = $"; a hash of each row's id holds out {inMemory.Rows} rows (about {fraction:P1}), kept in memory, for early stopping";
            }
            else
            {
                validationSource = streamedValidation = heldOut;
                heldOutText = $"; a hash of each row's id holds out about {fraction:P1} of them for early stopping, read again for every validation pass (they take more than half the limit)";
            }
        }

        using StreamingBatches trainSource = Source(trainData, holdOut ? new RowSelection(seed, fraction, HeldOut: false) : null, options.BatchSize, "training");
        using StreamingBatches? validationStream = streamedValidation;

        channel.Info(
            $"Streaming the training rows: held in memory they would take more than {limitText}. Every epoch reads the data again, " +
            $"{options.BatchSize} rows a batch, shuffled {(trainData.CanShuffle ? "by the data view's own shuffled cursor and " : "")}within windows of " +
            $"{trainSource.WindowRows} rows, the next window read while the current one trains{heldOutText}.");
        var random = new DeterministicRandom(seed);
        NetworkParameters<float> initial = NetworkTrainer.InitialWeights(trainSource.Columns, startingWeights?.Network, options, random);
        TrainingResult<float> result = NetworkTrainer.Train(trainSource, validationSource, initial, startingWeights is not null, options, random, observer, cancellation);
        if (trainSource.RowsSkipped > 0)
        {
            channel.Warning($"Skipped {trainSource.RowsSkipped} of {trainSource.RowsRead} training rows with NaN/infinite features or invalid weights.");
        }

        return result;
    }

    /// <summary>The in-memory limit in bytes, and how to say it.</summary>
    private long InMemoryLimitBytes(out string text)
    {
        if (options.InMemoryDataLimitMegabytes is int megabytes)
        {
            text = $"InMemoryDataLimitMegabytes ({megabytes} MB)";
            return (long)megabytes << 20;
        }

        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long limit = available / 4;
        text = $"the automatic limit ({limit >> 20} MB, a quarter of the {available >> 20} MB this process may use; set InMemoryDataLimitMegabytes to change it)";
        return limit;
    }

    /// <summary>Whether <c>MLContext.CancelExecution()</c> was called (ML.NET's environments implement the internal ICancelable).</summary>
    private bool IsCanceled() => host is ICancelable { IsCanceled: true };

    private static void Report(IChannel channel, TrainingDataReader.Result read, string role)
    {
        if (read.RowsSkipped > 0)
        {
            channel.Warning(
                $"Skipped {read.RowsSkipped} of {read.RowsRead} {role} rows with NaN/infinite features or invalid weights.");
        }
    }
}
