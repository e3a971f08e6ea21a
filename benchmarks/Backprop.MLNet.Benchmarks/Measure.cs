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

    public static double Round(double value, int digits = 4) => Math.Round(value, digits);
}
