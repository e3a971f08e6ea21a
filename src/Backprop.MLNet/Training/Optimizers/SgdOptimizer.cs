using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.MLNet.Training.Optimizers;

/// <summary>The handout's gradient descent: <c>θ ← θ − η·g</c>.</summary>
internal sealed class SgdOptimizer<T>(double learningRate) : ParameterOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T minusEta = T.CreateChecked(-learningRate);

    /// <inheritdoc/>
    public override void Update(Span<T> parameters, ReadOnlySpan<T> gradient, int offset) =>
        TensorPrimitives.MultiplyAdd(gradient, minusEta, parameters, parameters);
}
