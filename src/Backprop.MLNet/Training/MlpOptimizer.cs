namespace Backprop.MLNet;

/// <summary>How gradients update the weights.</summary>
public enum MlpOptimizer
{
    /// <summary>Plain gradient descent, as in the handout: <c>θ ← θ − η·∂L/∂θ</c>.</summary>
    Sgd = 0,

    /// <summary>Gradient descent with momentum (optionally Nesterov): <c>v ← μv − η·g, θ ← θ + v</c>.</summary>
    Momentum = 1,

    /// <summary>Adam (Kingma and Ba, 2015) with bias correction.</summary>
    Adam = 2,
}
