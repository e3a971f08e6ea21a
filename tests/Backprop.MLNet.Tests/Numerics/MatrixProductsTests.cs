using Backprop.MLNet.Numerics;

namespace Backprop.MLNet.Tests.Numerics;

/// <summary>The named products against sums written out, on strided views, and their shape checks.</summary>
public class MatrixProductsTests
{
    private const int M = 3, K = 4, N = 5, Pad = 2;

    [Fact]
    public void NamedProductsMatchTheSumsWrittenOut()
    {
        var random = new Random(5);
        // Every operand is stored with two spare values per row, so a product that ignored the stride would be wrong.
        double[,] a = RandomMatrix(random, M, K), b = RandomMatrix(random, K, N), bt = RandomMatrix(random, N, K), at = RandomMatrix(random, K, M);

        float[] c = new float[M * (N + Pad)];
        MatrixProducts.Multiply<float>(View(a), View(b), new MatrixView<float>(c, M, N, N + Pad));
        AssertEqual(Product(a, b), c, N + Pad);

        MatrixProducts.MultiplyTransposedByMatrix<float>(View(at), View(b), new MatrixView<float>(c, M, N, N + Pad));
        AssertEqual(Product(Transposed(at), b), c, N + Pad);

        MatrixProducts.MultiplyByTransposed<float>(View(a), View(bt), new MatrixView<float>(c, M, N, N + Pad));
        AssertEqual(Product(a, Transposed(bt)), c, N + Pad);
    }

    [Fact]
    public void MismatchedShapesAreRejectedByName()
    {
        float[] a = new float[M * K], b = new float[K * N], c = new float[M * N];
        var inner = Assert.Throws<ArgumentException>(() => MatrixProducts.Multiply<float>(
            new ReadOnlyMatrixView<float>(a, M, K), new ReadOnlyMatrixView<float>(b, N, K), new MatrixView<float>(c, M, N)));
        Assert.Contains("A·B: a 3×4 by a 5×4", inner.Message);

        var result = Assert.Throws<ArgumentException>(() => MatrixProducts.MultiplyByTransposed<float>(
            new ReadOnlyMatrixView<float>(a, M, K), new ReadOnlyMatrixView<float>(b, N, K), new MatrixView<float>(c, N, M)));
        Assert.Contains("cannot give a 5×3", result.Message);
    }

    [Theory]
    [InlineData(3, 4, 4, 11)] // one value short
    [InlineData(3, 4, 3, 12)] // stride shorter than a row
    [InlineData(-1, 4, 4, 12)]
    public void ViewsTooBigForTheirStorageAreRejected(int rows, int columns, int stride, int length)
    {
        var error = Assert.Throws<ArgumentException>(() => new ReadOnlyMatrixView<float>(new float[length], rows, columns, stride));
        Assert.Equal("storage", error.ParamName);
        Assert.Throws<ArgumentException>(() => new MatrixView<float>(new float[length], rows, columns, stride));
    }

    [Fact]
    public void TheLastRowNeedsNoPadding()
    {
        // Rows 12 apart, the last one 4 long: 2·12 + 4 = 28 values suffice.
        var view = new MatrixView<float>(new float[28], 3, 4, 12);
        Assert.Equal(4, view.Row(2).Length);
    }

    private static double[,] RandomMatrix(Random random, int rows, int columns)
    {
        var matrix = new double[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                matrix[i, j] = Math.Round(random.NextDouble() * 4 - 2, 2);
            }
        }

        return matrix;
    }

    private static ReadOnlyMatrixView<float> View(double[,] matrix)
    {
        int rows = matrix.GetLength(0), columns = matrix.GetLength(1), stride = columns + Pad;
        var storage = new float[rows * stride];
        Array.Fill(storage, float.NaN); // padding that must never be read
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                storage[i * stride + j] = (float)matrix[i, j];
            }
        }

        return new ReadOnlyMatrixView<float>(storage, rows, columns, stride);
    }

    private static double[,] Transposed(double[,] matrix)
    {
        var result = new double[matrix.GetLength(1), matrix.GetLength(0)];
        for (int i = 0; i < matrix.GetLength(0); i++)
        {
            for (int j = 0; j < matrix.GetLength(1); j++)
            {
                result[j, i] = matrix[i, j];
            }
        }

        return result;
    }

    private static double[,] Product(double[,] a, double[,] b)
    {
        var result = new double[a.GetLength(0), b.GetLength(1)];
        for (int i = 0; i < a.GetLength(0); i++)
        {
            for (int j = 0; j < b.GetLength(1); j++)
            {
                for (int k = 0; k < a.GetLength(1); k++)
                {
                    result[i, j] += a[i, k] * b[k, j];
                }
            }
        }

        return result;
    }

    private static void AssertEqual(double[,] expected, float[] actual, int stride)
    {
        for (int i = 0; i < expected.GetLength(0); i++)
        {
            for (int j = 0; j < expected.GetLength(1); j++)
            {
                Assert.Equal(expected[i, j], actual[i * stride + j], 1e-4);
            }
        }
    }
}
