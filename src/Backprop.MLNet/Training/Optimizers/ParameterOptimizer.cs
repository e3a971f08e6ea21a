using System.Numerics;

namespace Backprop.MLNet.Training.Optimizers;

/// <summary>Updates the flat parameter vector from its gradient, one mini-batch at a time.</summary>
internal abstract class ParameterOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Applies one update: <c>θ ← step(θ, ∂L/∂θ)</c>.</summary>
    public abstract void Step(Span<T> parameters, ReadOnlySpan<T> gradient);

    /// <summary>Creates the optimizer the settings ask for, with state sized for <paramref name="parameterCount"/>.</summary>
    public static ParameterOptimizer<T> Create(TrainingSettings settings, int parameterCount) => settings.Optimizer switch
    {
        MlpOptimizer.Sgd => new SgdOptimizer<T>(settings.LearningRate),
        MlpOptimizer.Momentum => new MomentumOptimizer<T>(settings.LearningRate, settings.Momentum, settings.Nesterov, parameterCount),
        MlpOptimizer.Adam => new AdamOptimizer<T>(settings.LearningRate, settings.Beta1, settings.Beta2, settings.Epsilon, parameterCount),
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Optimizer, "Unknown optimizer."),
    };
}
