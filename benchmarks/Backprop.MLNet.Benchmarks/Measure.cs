using System.Diagnostics;

namespace Backprop.MLNet.Benchmarks;

/// <summary>Timing helpers: warm-up, then the median of repeats.</summary>
internal static class Measure
{
    public static double MedianSeconds(int repeats, Action action, bool warmUp = true)
    {
        if (warmUp)
        {
            action();
        }

        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalSeconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>Runs <paramref name="measure"/> (which times itself) and returns the run whose first figure is the median.</summary>
    public static (double First, double Second) Median(int repeats, Func<(double, double)> measure)
    {
        var runs = Enumerable.Range(0, repeats).Select(_ => measure()).OrderBy(r => r.Item1).ToList();
        return runs[runs.Count / 2];
    }

    public static double Round(double value, int digits = 4) => Math.Round(value, digits);

    /// <summary>Rounds to <paramref name="digits"/> significant digits, so that a small time never prints as 0.</summary>
    public static double Significant(double value, int digits = 4)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value;
        }

        double scale = Math.Pow(10, digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(value))));
        return Math.Round(value * scale) / scale;
    }
}
