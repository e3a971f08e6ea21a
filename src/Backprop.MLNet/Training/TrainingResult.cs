using System.Numerics;
using Backprop.MLNet.Network;

namespace Backprop.MLNet.Training;

/// <summary>The trained network and how training went.</summary>
internal sealed class TrainingResult<T>(NetworkParameters<T> network, IReadOnlyList<MlpEpochRecord> history, int bestEpoch, bool stoppedEarly, double learningRate)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The final weights (the best epoch's when early stopping restored them).</summary>
    public NetworkParameters<T> Network { get; } = network;

    /// <summary>One record per epoch run.</summary>
    public IReadOnlyList<MlpEpochRecord> History { get; } = history;

    /// <summary>The epoch whose weights were kept (the last one unless early stopping restored another).</summary>
    public int BestEpoch { get; } = bestEpoch;

    /// <summary>Whether early stopping ended training before the last epoch.</summary>
    public bool StoppedEarly { get; } = stoppedEarly;

    /// <summary>The learning rate of the try that was kept (lower than the option's when training had to start again).</summary>
    public double LearningRate { get; } = learningRate;
}
