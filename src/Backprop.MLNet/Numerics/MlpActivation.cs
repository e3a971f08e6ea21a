namespace Backprop.MLNet;

/// <summary>Activation function of a hidden layer, applied element-wise to <c>u = xW + b</c>.</summary>
public enum MlpActivation
{
    /// <summary>Hyperbolic tangent, <c>tanh(u)</c>; derivative <c>1 − h²</c>. The handout's first layer.</summary>
    Tanh = 0,

    /// <summary>Logistic sigmoid, <c>σ(u) = 1/(1 + e^−u)</c>; derivative <c>h(1 − h)</c>. The handout's second layer.</summary>
    Sigmoid = 1,

    /// <summary>Rectified linear unit, <c>max(0, u)</c>; derivative 1 where <c>h &gt; 0</c>, else 0.</summary>
    Relu = 2,

    /// <summary>No non-linearity, <c>h = u</c>; derivative 1.</summary>
    Identity = 3,
}
