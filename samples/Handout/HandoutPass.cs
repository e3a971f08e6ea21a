using MathNet.Numerics.LinearAlgebra;

namespace Backprop.MLNet.Samples.Handout;

/// <summary>
/// One forward and backward pass written exactly as the handout's equations, with MathNet matrices
/// (rows of x are examples). Slow and plain on purpose: it is the reference the library is checked against.
/// </summary>
public sealed record HandoutPass
{
    /// <summary>u⁽¹⁾ = xW⁽¹⁾ + b⁽¹⁾.</summary>
    public required Matrix<float> U1 { get; init; }

    /// <summary>h⁽¹⁾ = tanh(u⁽¹⁾).</summary>
    public required Matrix<float> H1 { get; init; }

    /// <summary>u⁽²⁾ = h⁽¹⁾W⁽²⁾ + b⁽²⁾.</summary>
    public required Matrix<float> U2 { get; init; }

    /// <summary>h⁽²⁾ = σ(u⁽²⁾).</summary>
    public required Matrix<float> H2 { get; init; }

    /// <summary>u⁽³⁾ = h⁽²⁾U + c.</summary>
    public required Vector<float> U3 { get; init; }

    /// <summary>ŷ = σ(u⁽³⁾).</summary>
    public required Vector<float> YHat { get; init; }

    /// <summary>L = 1/N Σ BCE(ŷ⁽ⁱ⁾, y⁽ⁱ⁾).</summary>
    public required float Loss { get; init; }

    /// <summary>∂L/∂u⁽³⁾ = (ŷ − y)/N.</summary>
    public required Vector<float> DU3 { get; init; }

    /// <summary>∂L/∂U = (h⁽²⁾)ᵀ ∂L/∂u⁽³⁾.</summary>
    public required Vector<float> DU { get; init; }

    /// <summary>∂L/∂c = Σⱼ ∂L/∂u⁽³⁾ⱼ.</summary>
    public required float DC { get; init; }

    /// <summary>∂L/∂h⁽²⁾ = ∂L/∂u⁽³⁾ Uᵀ.</summary>
    public required Matrix<float> DH2 { get; init; }

    /// <summary>∂L/∂u⁽²⁾ = ∂L/∂h⁽²⁾ ⊙ σ'(u⁽²⁾).</summary>
    public required Matrix<float> DU2 { get; init; }

    /// <summary>∂L/∂W⁽²⁾ = (h⁽¹⁾)ᵀ ∂L/∂u⁽²⁾.</summary>
    public required Matrix<float> DW2 { get; init; }

    /// <summary>∂L/∂b⁽²⁾ = Σⱼ ∂L/∂u⁽²⁾ⱼ.</summary>
    public required Vector<float> DB2 { get; init; }

    /// <summary>∂L/∂h⁽¹⁾ = ∂L/∂u⁽²⁾ (W⁽²⁾)ᵀ.</summary>
    public required Matrix<float> DH1 { get; init; }

    /// <summary>∂L/∂u⁽¹⁾ = ∂L/∂h⁽¹⁾ ⊙ tanh'(u⁽¹⁾).</summary>
    public required Matrix<float> DU1 { get; init; }

    /// <summary>∂L/∂W⁽¹⁾ = xᵀ ∂L/∂u⁽¹⁾.</summary>
    public required Matrix<float> DW1 { get; init; }

    /// <summary>∂L/∂b⁽¹⁾ = Σⱼ ∂L/∂u⁽¹⁾ⱼ.</summary>
    public required Vector<float> DB1 { get; init; }

    /// <summary>Runs the handout's feed forward and backpropagation on the batch <paramref name="x"/>, <paramref name="y"/>.</summary>
    public static HandoutPass Compute(HandoutNetwork net, Matrix<float> x, Vector<float> y)
    {
        int n = x.RowCount;

        // 0.2 Feed forward
        Matrix<float> u1 = AddToEachRow(x * net.W1, net.B1);
        Matrix<float> h1 = u1.Map(Tanh);
        Matrix<float> u2 = AddToEachRow(h1 * net.W2, net.B2);
        Matrix<float> h2 = u2.Map(Sigmoid);
        Vector<float> u3 = h2 * net.U + net.C;
        Vector<float> yHat = u3.Map(Sigmoid);
        float loss = Enumerable.Range(0, n).Sum(i => -(y[i] * MathF.Log(yHat[i]) + (1 - y[i]) * MathF.Log(1 - yHat[i]))) / n;

        // 0.3 Backpropagation
        Vector<float> dU3 = (yHat - y) / n;
        Vector<float> dU = h2.TransposeThisAndMultiply(dU3);
        float dC = dU3.Sum();
        Matrix<float> dH2 = dU3.OuterProduct(net.U);
        Matrix<float> dU2 = dH2.PointwiseMultiply(u2.Map(z => Sigmoid(z) * (1 - Sigmoid(z))));
        Matrix<float> dW2 = h1.TransposeThisAndMultiply(dU2);
        Vector<float> dB2 = dU2.ColumnSums();
        Matrix<float> dH1 = dU2.TransposeAndMultiply(net.W2);
        Matrix<float> dU1 = dH1.PointwiseMultiply(u1.Map(z => 1 - Tanh(z) * Tanh(z)));
        Matrix<float> dW1 = x.TransposeThisAndMultiply(dU1);
        Vector<float> dB1 = dU1.ColumnSums();

        return new HandoutPass
        {
            U1 = u1, H1 = h1, U2 = u2, H2 = h2, U3 = u3, YHat = yHat, Loss = loss,
            DU3 = dU3, DU = dU, DC = dC, DH2 = dH2, DU2 = dU2, DW2 = dW2, DB2 = dB2, DH1 = dH1, DU1 = dU1, DW1 = dW1, DB1 = dB1,
        };
    }

    /// <summary>Gradient descent, θ ← θ − η ∂L/∂θ, for every weight and bias.</summary>
    public HandoutNetwork Step(HandoutNetwork net, float learningRate) => new()
    {
        W1 = net.W1 - learningRate * DW1,
        B1 = net.B1 - learningRate * DB1,
        W2 = net.W2 - learningRate * DW2,
        B2 = net.B2 - learningRate * DB2,
        U = net.U - learningRate * DU,
        C = net.C - learningRate * DC,
    };

    // The handout writes xW + b with b added to every example (row).
    private static Matrix<float> AddToEachRow(Matrix<float> m, Vector<float> b)
    {
        Matrix<float> result = m.Clone();
        for (int i = 0; i < result.RowCount; i++)
        {
            result.SetRow(i, result.Row(i) + b);
        }

        return result;
    }

    private static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

    private static float Tanh(float z) => MathF.Tanh(z);
}
