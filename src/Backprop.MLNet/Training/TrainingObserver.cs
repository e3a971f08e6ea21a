namespace Backprop.MLNet.Training;

/// <summary>Callbacks through which the training loop reports what it does.</summary>
internal sealed class TrainingObserver
{
    /// <summary>Called after every epoch with its losses.</summary>
    public Action<MlpEpochRecord>? EpochCompleted { get; init; }

    /// <summary>Called with decisions worth an informational log line (early stopping, restored weights).</summary>
    public Action<string>? Info { get; init; }

    /// <summary>Called when training had to do something the user should know about (starting again with a lower learning rate).</summary>
    public Action<string>? Warning { get; init; }
}
