using Backprop.MLNet.Training;

namespace Backprop.MLNet.Tests.Training;

/// <summary>Small classic data sets generated with a fixed seed.</summary>
internal static class SyntheticData
{
    /// <summary>The four XOR corners, each repeated, with labels x1 XOR x2.</summary>
    public static TrainingSet<float> Xor(int repeats = 1)
    {
        var x = new List<float>();
        var y = new List<float>();
        for (int r = 0; r < repeats; r++)
        {
            foreach ((float a, float b) in new[] { (0f, 0f), (0f, 1f), (1f, 0f), (1f, 1f) })
            {
                x.Add(a);
                x.Add(b);
                y.Add(a != b ? 1 : 0);
            }
        }

        return TrainingSet<float>.FromDense(x.ToArray(), y.Count, 2, y.ToArray());
    }

    /// <summary>Two interleaving half circles with Gaussian-ish noise.</summary>
    public static TrainingSet<float> TwoMoons(int rows, double noise, int seed)
    {
        var random = new DeterministicRandom(seed);
        float[] x = new float[rows * 2];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            double t = Math.PI * random.NextDouble();
            bool upper = i % 2 == 0;
            double px = upper ? Math.Cos(t) : 1 - Math.Cos(t);
            double py = upper ? Math.Sin(t) : 0.5 - Math.Sin(t);
            x[2 * i] = (float)(px + noise * Normal(random));
            x[2 * i + 1] = (float)(py + noise * Normal(random));
            y[i] = upper ? 0 : 1;
        }

        return TrainingSet<float>.FromDense(x, rows, 2, y);
    }

    /// <summary>Points labelled by the side of a fixed hyperplane, with a margin.</summary>
    public static TrainingSet<float> LinearlySeparable(int rows, int columns, int seed)
    {
        var random = new DeterministicRandom(seed);
        double[] w = Enumerable.Range(0, columns).Select(_ => 2 * random.NextDouble() - 1).ToArray();
        var x = new List<float>();
        var y = new List<float>();
        while (y.Count < rows)
        {
            double[] p = Enumerable.Range(0, columns).Select(_ => 2 * random.NextDouble() - 1).ToArray();
            double z = p.Zip(w, (a, b) => a * b).Sum();
            if (Math.Abs(z) < 0.1)
            {
                continue;
            }

            x.AddRange(p.Select(v => (float)v));
            y.Add(z > 0 ? 1 : 0);
        }

        return TrainingSet<float>.FromDense(x.ToArray(), rows, columns, y.ToArray());
    }

    /// <summary>Fraction of rows whose predicted label (logit &gt; 0) equals the label.</summary>
    public static double Accuracy(Backprop.MLNet.Network.NetworkParameters<float> net, TrainingSet<float> set)
    {
        var ws = new Backprop.MLNet.Network.Workspace<float>(net.Layout, set.Rows);
        Backprop.MLNet.Network.Backpropagation.Forward(net, Backprop.MLNet.Network.InputBatch<float>.FromDense(set.Dense!, set.Rows, set.Columns), ws);
        int correct = 0;
        for (int i = 0; i < set.Rows; i++)
        {
            if ((ws.U3(set.Rows)[i] > 0) == (set.Labels[i] == 1))
            {
                correct++;
            }
        }

        return (double)correct / set.Rows;
    }

    private static double Normal(DeterministicRandom random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
