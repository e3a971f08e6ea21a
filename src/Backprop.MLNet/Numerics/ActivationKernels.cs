using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// Element-wise kernels of a layer on row-major rows×cols blocks: the fused bias + activation of the
/// forward pass and the activation derivative of the backward pass.
/// </summary>
/// <remarks>
/// Every derivative is written in terms of the activation's output <c>h</c> (tanh' = 1 − h²,
/// σ' = h(1 − h), ReLU' = [h &gt; 0]), so the forward pass need not keep <c>u</c>.
/// </remarks>
internal static class ActivationKernels
{
    /// <summary>In place: <c>u ← act(u + bias)</c> on every row, turning <c>xW</c> into <c>h</c>.</summary>
    public static void AddBiasAndActivate<T>(Span<T> u, int rows, int cols, ReadOnlySpan<T> bias, MlpActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool fused = typeof(T) == typeof(float) && FastActivations.IsSupported && activation is MlpActivation.Tanh or MlpActivation.Sigmoid;
        for (int i = 0; i < rows; i++)
        {
            Span<T> row = u.Slice(i * cols, cols);
            if (fused)
            {
                FastActivations.AddBiasAndActivate(MemoryMarshal.Cast<T, float>(row), MemoryMarshal.Cast<T, float>(bias), activation);
                continue;
            }

            TensorPrimitives.Add(row, bias, row);
            Activate(row, activation);
        }
    }

    /// <summary>In place: <c>values ← act(values)</c>.</summary>
    public static void Activate<T>(Span<T> values, MlpActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (activation)
        {
            case MlpActivation.Tanh:
                TensorPrimitives.Tanh<T>(values, values);
                break;
            case MlpActivation.Sigmoid:
                Sigmoid(values);
                break;
            case MlpActivation.Relu:
                TensorPrimitives.Max(values, T.Zero, values);
                break;
            case MlpActivation.Identity:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    /// <summary>In place: <c>values ← σ(values)</c>, never overflowing for large |u|.</summary>
    public static void Sigmoid<T>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // 1/(1+e^-u): e^-u overflows to +inf for u ≪ 0, giving exactly 0, never NaN.
        TensorPrimitives.Negate<T>(values, values);
        TensorPrimitives.Exp<T>(values, values);
        TensorPrimitives.Add(values, T.One, values);
        TensorPrimitives.Reciprocal<T>(values, values);
    }

    /// <summary>In place: <c>delta ← delta ⊙ act'(u)</c>, with the derivative computed from <c>h = act(u)</c>.</summary>
    public static void MultiplyByDerivative<T>(Span<T> delta, ReadOnlySpan<T> h, MlpActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (delta.Length != h.Length)
        {
            throw new ArgumentException("delta and h must have the same length.", nameof(h));
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated && delta.Length >= Vector<T>.Count)
        {
            var one = Vector<T>.One;
            var zero = Vector<T>.Zero;
            for (; i <= delta.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var d = new Vector<T>(delta.Slice(i));
                var hv = new Vector<T>(h.Slice(i));
                Vector<T> result = activation switch
                {
                    MlpActivation.Tanh => d * (one - hv * hv),
                    MlpActivation.Sigmoid => d * (hv * (one - hv)),
                    MlpActivation.Relu => Vector.ConditionalSelect(Vector.GreaterThan(hv, zero), d, zero),
                    _ => d,
                };
                result.CopyTo(delta.Slice(i));
            }
        }

        for (; i < delta.Length; i++)
        {
            delta[i] = delta[i] * Derivative(h[i], activation);
        }
    }

    /// <summary>The activation's derivative at <c>u</c>, given <c>h = act(u)</c>.</summary>
    public static T Derivative<T>(T h, MlpActivation activation)
        where T : unmanaged, IFloatingPointIeee754<T> => activation switch
    {
        MlpActivation.Tanh => T.One - h * h,
        MlpActivation.Sigmoid => h * (T.One - h),
        MlpActivation.Relu => h > T.Zero ? T.One : T.Zero,
        MlpActivation.Identity => T.One,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
