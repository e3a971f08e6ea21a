using Backprop.MLNet.Network;
using Backprop.MLNet.Numerics;
using Backprop.MLNet.Training;
using Backprop.MLNet.Training.Optimizers;

namespace Backprop.MLNet.Tests.Network;

/// <summary>The gradient of a sparse batch hands out only what the batch wrote; the matrix products refuse shapes that do not fit.</summary>
public class ParameterGradientTests
{
    private static readonly ParameterLayout Layout = new(6, [2]);

    private static InputBatch<double> Sparse(double[] values, int[] indices, int[] starts) => InputBatch<double>.FromSparse(values, indices, starts, 6);

    [Fact]
    public void ASparseBatchUpdatesOnlyTheRowsItUsesAndCannotBeReadWhole()
    {
        var net = WeightInitializer.Create<double>(Layout, [MlpActivation.Tanh], new DeterministicRandom(1));
        var gradient = new ParameterGradient<double>(Layout, trackFirstLayerRows: true);
        var ws = new Workspace<double>(Layout, 2);

        // A first batch writes rows 0 and 4 of ∂W1, the second rows 1 and 2: rows 0 and 4 then hold stale values.
        Objective.LossAndGradient(net, Sparse([1, 2], [0, 4], [0, 1, 2]), [1, 0], [], 0.0, ws, gradient);
        Objective.LossAndGradient(net, Sparse([1, -1], [1, 2], [0, 1, 2]), [1, 0], [], 0.0, ws, gradient);
        Assert.Equal([1, 2], gradient.Rows.ToArray().Order());
        Assert.Throws<InvalidOperationException>(() => gradient.All.Length);

        double[] before = (double[])net.Values.Clone();
        gradient.Apply(new SgdOptimizer<double>(0.5), net.Values);
        int width = Layout.HiddenSizes[0];
        for (int row = 0; row < 6; row++)
        {
            bool used = row is 1 or 2;
            Assert.Equal(!used, before.AsSpan(row * width, width).SequenceEqual(net.Values.AsSpan(row * width, width)));
        }
    }

    [Fact]
    public void ABatchOfEmptyRowsWritesNoRowAndUpdatesNone()
    {
        var net = WeightInitializer.Create<double>(Layout, [MlpActivation.Tanh], new DeterministicRandom(2));
        var gradient = new ParameterGradient<double>(Layout, trackFirstLayerRows: true);
        var ws = new Workspace<double>(Layout, 2);
        Objective.LossAndGradient(net, Sparse([3], [5], [0, 1, 1]), [1, 0], [], 0.0, ws, gradient);
        Objective.LossAndGradient(net, Sparse([], [], [0, 0, 0]), [1, 0], [], 0.0, ws, gradient); // no features at all
        Assert.True(gradient.Rows.IsEmpty);
        double[] w1Before = net.W(0).ToArray();
        gradient.Apply(new SgdOptimizer<double>(0.5), net.Values);
        Assert.Equal(w1Before, net.W(0).ToArray()); // row 5's stale gradient from the first batch was not applied
    }

    [Fact]
    public void ProductsRefuseShapesThatDoNotFit()
    {
        double[] a = new double[6], b = new double[6], c = new double[4];
        var e = Assert.Throws<ArgumentException>(() =>
            MatrixProducts.Multiply(new ReadOnlyMatrixView<double>(a, 2, 3), new ReadOnlyMatrixView<double>(b, 2, 3), new MatrixView<double>(c, 2, 2)));
        Assert.Contains("2×3 by a 2×3", e.Message);
        MatrixProducts.Multiply(new ReadOnlyMatrixView<double>(a, 2, 3), new ReadOnlyMatrixView<double>(b, 3, 2), new MatrixView<double>(c, 2, 2)); // fits
    }
}
