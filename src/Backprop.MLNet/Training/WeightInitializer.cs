using System.Numerics;
using Backprop.MLNet.Network;

namespace Backprop.MLNet.Training;

/// <summary>
/// Initial weights: Glorot/Xavier uniform, <c>±√(6/(fan_in + fan_out))</c>, for tanh, sigmoid and
/// identity layers and the output unit; He uniform, <c>±√(6/fan_in)</c>, for ReLU layers; biases zero.
/// </summary>
internal static class WeightInitializer
{
    /// <summary>Draws a fresh network of the given shape.</summary>
    public static NetworkParameters<T> Create<T>(ParameterLayout layout, IReadOnlyList<MlpActivation> activations, DeterministicRandom random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var net = new NetworkParameters<T>(layout, activations);
        for (int l = 0; l < layout.LayerCount; l++)
        {
            int fanIn = layout.LayerInputCount(l);
            int fanOut = layout.HiddenSizes[l];
            double limit = activations[l] == MlpActivation.Relu
                ? Math.Sqrt(6.0 / fanIn)
                : Math.Sqrt(6.0 / (fanIn + fanOut));
            FillUniform(net.W(l), limit, random);
        }

        FillUniform(net.U, Math.Sqrt(6.0 / (layout.HiddenSizes[^1] + 1)), random);
        return net;
    }

    private static void FillUniform<T>(Span<T> values, double limit, DeterministicRandom random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateChecked((2 * random.NextDouble() - 1) * limit);
        }
    }
}
