using MathNet.Numerics.LinearAlgebra;

namespace Backprop.MLNet.Samples.Handout;

/// <summary>Prints the walkthrough in the handout's order and notation.</summary>
public sealed class HandoutReport(TextWriter output)
{
    /// <summary>Writes every section of <paramref name="walk"/>.</summary>
    public void Write(HandoutWalkthrough walk)
    {
        HandoutNetwork net = walk.Network;
        HandoutPass p = walk.Pass;
        output.WriteLine($"The handout's network: x ({net.W1.RowCount} features) → h⁽¹⁾ = tanh ({net.W1.ColumnCount} units) → h⁽²⁾ = σ ({net.W2.ColumnCount} units) → ŷ = σ");
        output.WriteLine($"A batch of N = {walk.X.RowCount} examples, one per row. Rows of u, h and ∂L/∂u, ∂L/∂h are examples too.");

        Section("Weights and batch");
        Matrix("x", "the inputs", walk.X);
        Vector("y", "the labels", walk.Y);
        Weights(net);

        Section("0.2 Feed forward");
        Matrix("u⁽¹⁾", "x W⁽¹⁾ + b⁽¹⁾", p.U1);
        Matrix("h⁽¹⁾", "tanh(u⁽¹⁾)", p.H1);
        Matrix("u⁽²⁾", "h⁽¹⁾ W⁽²⁾ + b⁽²⁾", p.U2);
        Matrix("h⁽²⁾", "σ(u⁽²⁾)", p.H2);
        Vector("u⁽³⁾", "h⁽²⁾ U + c", p.U3);
        Vector("ŷ", "σ(u⁽³⁾)", p.YHat);
        Scalar("L", "1/N Σᵢ −(yᵢ log ŷᵢ + (1 − yᵢ) log(1 − ŷᵢ))", p.Loss);

        Section("0.3 Backpropagation");
        Vector("∂L/∂u⁽³⁾", "(ŷ − y) / N", p.DU3);
        Vector("∂L/∂U", "(h⁽²⁾)ᵀ ∂L/∂u⁽³⁾", p.DU);
        Scalar("∂L/∂c", "Σⱼ ∂L/∂u⁽³⁾ⱼ", p.DC);
        Matrix("∂L/∂h⁽²⁾", "∂L/∂u⁽³⁾ Uᵀ", p.DH2);
        Matrix("∂L/∂u⁽²⁾", "∂L/∂h⁽²⁾ ⊙ σ'(u⁽²⁾)", p.DU2);
        Matrix("∂L/∂W⁽²⁾", "(h⁽¹⁾)ᵀ ∂L/∂u⁽²⁾", p.DW2);
        Vector("∂L/∂b⁽²⁾", "Σⱼ ∂L/∂u⁽²⁾ⱼ", p.DB2);
        Matrix("∂L/∂h⁽¹⁾", "∂L/∂u⁽²⁾ (W⁽²⁾)ᵀ", p.DH1);
        Matrix("∂L/∂u⁽¹⁾", "∂L/∂h⁽¹⁾ ⊙ tanh'(u⁽¹⁾)", p.DU1);
        Matrix("∂L/∂W⁽¹⁾", "xᵀ ∂L/∂u⁽¹⁾", p.DW1);
        Vector("∂L/∂b⁽¹⁾", "Σⱼ ∂L/∂u⁽¹⁾ⱼ", p.DB1);

        Section("The library computes the same pass");
        output.WriteLine($"  BackpropTrace.Compute(network, x, y): loss {walk.Trace.Loss:F6}; largest difference from the values above over every u, h, ŷ, L and gradient: {walk.LibraryDifference:0.0e+0}");

        Section($"One gradient step, θ ← θ − η ∂L/∂θ with η = {HandoutNetwork.LearningRate}");
        Weights(walk.AfterStep);
        output.WriteLine($"  The batch's loss went from {p.Loss:F6} to {walk.LossAfterStep:F6}.");

        Section("The trainer takes the same step");
        output.WriteLine("  BackpropMlp with Optimizer = Sgd, BatchSize = 0 (full batch), NumberOfEpochs = 1, L2Regularization = 0, Shuffle = false,");
        output.WriteLine($"  fitted from the starting weights: largest difference from the step above over every weight and bias: {walk.TrainerDifference:0.0e+0}");
    }

    private void Weights(HandoutNetwork net)
    {
        Matrix("W⁽¹⁾", "", net.W1);
        Vector("b⁽¹⁾", "", net.B1);
        Matrix("W⁽²⁾", "", net.W2);
        Vector("b⁽²⁾", "", net.B2);
        Vector("U", "", net.U);
        Scalar("c", "", net.C);
    }

    private void Section(string title)
    {
        output.WriteLine();
        output.WriteLine(title);
        output.WriteLine(new string('─', title.Length));
    }

    private void Matrix(string name, string meaning, Matrix<float> m)
    {
        output.WriteLine($"  {name,-10} ({m.RowCount}×{m.ColumnCount}){Describe(meaning)}");
        foreach (string row in MatrixText.Rows(m))
        {
            output.WriteLine($"      {row}");
        }
    }

    private void Vector(string name, string meaning, Vector<float> v) =>
        output.WriteLine($"  {name,-10} {MatrixText.Row(v)}{Describe(meaning)}");

    private void Scalar(string name, string meaning, float value) =>
        output.WriteLine($"  {name,-10} {MatrixText.Number(value).TrimStart()}{Describe(meaning)}");

    private static string Describe(string meaning) => meaning.Length == 0 ? "" : $"   = {meaning}";
}
