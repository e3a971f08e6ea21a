using System.Numerics;
using Backprop.MLNet.Network;

namespace Backprop.MLNet.Training.Optimizers;

/// <summary>
/// Updates the flat parameter vector from its gradient, one mini-batch at a time. A step is
/// <see cref="BeginStep"/> then <see cref="Update"/> on the whole vector, or on several slices of it
/// (the rows a sparse batch touched): state is indexed by position in the whole vector.
/// </summary>
internal abstract class ParameterOptimizer<T> : IParameterUpdate<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Starts the update of one mini-batch (advances step-dependent state such as Adam's t).</summary>
    public virtual void BeginStep()
    {
    }

    /// <summary>Applies the current step to <paramref name="parameters"/>, which start at <paramref name="offset"/> in the whole vector.</summary>
    public abstract void Update(Span<T> parameters, ReadOnlySpan<T> gradient, int offset);

    /// <summary>
    /// Applies the current step to some rows of a row-major block at the start of the whole vector (the rows of
    /// <c>W1</c> a sparse batch used): row r is <c>[r·width, (r + 1)·width)</c>. The same as <see cref="Update"/> on each
    /// row; optimizers override it to set up their constants once per batch rather than once per row.
    /// </summary>
    public virtual void UpdateRows(Span<T> parameters, ReadOnlySpan<T> gradient, ReadOnlySpan<int> rows, int width)
    {
        foreach (int row in rows)
        {
            int offset = row * width;
            Update(parameters.Slice(offset, width), gradient.Slice(offset, width), offset);
        }
    }

    /// <summary>One whole step: <c>θ ← step(θ, ∂J/∂θ)</c>.</summary>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradient)
    {
        BeginStep();
        Update(parameters, gradient, 0);
    }

    /// <summary>Creates the optimizer the options ask for, with state sized for <paramref name="parameterCount"/>, stepping by <paramref name="learningRate"/>.</summary>
    public static ParameterOptimizer<T> Create(MlpTrainingOptions options, int parameterCount, double learningRate) => options.Optimizer switch
    {
        MlpOptimizer.Sgd => new SgdOptimizer<T>(learningRate),
        MlpOptimizer.Momentum => new MomentumOptimizer<T>(learningRate, options.Momentum, options.Nesterov, parameterCount),
        MlpOptimizer.Adam => new AdamOptimizer<T>(learningRate, options.Beta1, options.Beta2, options.Epsilon, parameterCount),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimizer."),
    };
}
