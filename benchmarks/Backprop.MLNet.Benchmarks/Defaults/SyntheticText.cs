using Microsoft.ML;

namespace Backprop.MLNet.Benchmarks.Defaults;

/// <summary>
/// Short messages of made-up words with a Zipf-like vocabulary, where the positive class uses some words more often:
/// sparse text of a few thousand rows whose FeaturizeText vector has tens of thousands of slots, reproducible by seed.
/// </summary>
internal static class SyntheticText
{
    /// <summary><paramref name="rows"/> rows of Label (about one in five positive) and Text.</summary>
    public static IDataView Load(MLContext ml, int rows, int seed)
    {
        var random = new Random(seed);
        string[] vocabulary = Enumerable.Range(0, 6000).Select(i => Word(random, i)).ToArray();
        double[] cumulative = new double[vocabulary.Length];
        double total = 0;
        for (int i = 0; i < vocabulary.Length; i++)
        {
            total += 1.0 / (i + 1);
            cumulative[i] = total;
        }

        int[] signal = Enumerable.Range(0, 60).Select(_ => random.Next(20, 3000)).ToArray();
        var data = new List<TextRow>(rows);
        for (int r = 0; r < rows; r++)
        {
            bool positive = random.NextDouble() < 0.2;
            int length = 4 + random.Next(20);
            var words = new List<string>(length);
            for (int w = 0; w < length; w++)
            {
                // Positive rows draw a signal word a fifth of the time; every row shares the same background words.
                words.Add(positive && random.NextDouble() < 0.2
                    ? vocabulary[signal[random.Next(signal.Length)]]
                    : vocabulary[Lookup(cumulative, random.NextDouble() * total)]);
            }

            data.Add(new TextRow { Label = positive, Text = string.Join(' ', words) });
        }

        return ml.Data.LoadFromEnumerable(data);
    }

    private static int Lookup(double[] cumulative, double u)
    {
        int i = Array.BinarySearch(cumulative, u);
        return i >= 0 ? i : Math.Min(~i, cumulative.Length - 1);
    }

    private static string Word(Random random, int i)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyz";
        int length = 2 + random.Next(7);
        return new string(Enumerable.Range(0, length).Select(_ => letters[random.Next(letters.Length)]).ToArray()) + (i % 7 == 0 ? random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
    }

    /// <summary>One message.</summary>
    public sealed class TextRow
    {
        public bool Label { get; set; }

        public string Text { get; set; } = "";
    }
}
