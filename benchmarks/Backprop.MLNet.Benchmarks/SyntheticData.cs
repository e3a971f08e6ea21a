using Backprop.MLNet.Training;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// The workloads' data, generated in-process from a fixed seed (benchmarks/reference/torch_mlp.py makes data of the same kind):
/// X ~ N(0, 1); labels from a random tanh teacher with noise, about half positive.
/// </summary>
internal static class SyntheticData
{
    public static (float[] X, float[] Y) Dense(int rows, int columns, int seed = 20240601)
    {
        var random = new DeterministicRandom(seed);
        float[] x = new float[(long)rows * columns];
        for (long i = 0; i < x.LongLength; i++)
        {
            x[i] = (float)Normal(random);
        }

        const int hidden = 32;
        double[] a = new double[columns * hidden];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = Normal(random) / Math.Sqrt(columns);
        }

        double[] w = Enumerable.Range(0, hidden).Select(_ => Normal(random)).ToArray();
        double[] z = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int h = 0; h < hidden; h++)
            {
                double u = 0;
                for (int c = 0; c < columns; c++)
                {
                    u += x[(long)r * columns + c] * a[c * hidden + h];
                }

                sum += Math.Tanh(u) * w[h];
            }

            z[r] = sum + 0.25 * Normal(random);
        }

        double median = z.Order().ElementAt(rows / 2);
        return (x, z.Select(v => v > median ? 1f : 0f).ToArray());
    }

    /// <summary>Text-like sparse rows: <paramref name="nonZeros"/> distinct random columns out of <paramref name="columns"/>, label from a sparse linear teacher.</summary>
    public static TrainingSet<float> Sparse(int rows, int columns, int nonZeros, int seed = 7)
    {
        var random = new DeterministicRandom(seed);
        double[] teacher = Enumerable.Range(0, columns).Select(_ => Normal(random)).ToArray();
        float[] values = new float[rows * nonZeros];
        int[] indices = new int[rows * nonZeros];
        int[] starts = new int[rows + 1];
        float[] labels = new float[rows];
        var picked = new HashSet<int>();
        for (int r = 0; r < rows; r++)
        {
            picked.Clear();
            while (picked.Count < nonZeros)
            {
                picked.Add(random.NextInt(columns));
            }

            int p = r * nonZeros;
            double z = 0;
            foreach (int c in picked.Order())
            {
                indices[p] = c;
                values[p] = 1f / MathF.Sqrt(nonZeros);
                z += teacher[c] * values[p];
                p++;
            }

            starts[r + 1] = p;
            labels[r] = z > 0 ? 1 : 0;
        }

        return TrainingSet<float>.FromSparse(values, indices, starts, columns, labels);
    }

    private static double Normal(DeterministicRandom random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
