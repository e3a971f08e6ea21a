using System.Globalization;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>Turns the sample's arguments into <see cref="SampleOptions"/>.</summary>
public static class CommandLine
{
    /// <summary>What --help prints.</summary>
    public const string Help = """
        Trains BackpropMlp (the handout's tanh → sigmoid → sigmoid network) next to ML.NET's
        LbfgsLogisticRegression and FastTree, prints their test metrics, writes loss-curve.png,
        roc.png and model.zip, and scores a few rows with the reloaded model.

        Usage: dotnet run -c Release --project samples/BreastCancer [-- options]

        Options (all optional; without --data the shipped breast cancer data is used):
          --data PATH          CSV/TSV file with a header row; non-numeric columns are left out
          --label NAME         header name of the 0/1 (or true/false) label column   [Label]
          --separator X        column separator: a character, or 'tab'              [from the header]
          --epochs N           training epochs (early stopping may end sooner)      [100]
          --layers A,B,...     hidden layer sizes; last sigmoid, others tanh       [32,16]
          --learning-rate X    Adam's step size                                     [0.001]
          --out DIR            where to write the PNGs and model.zip                [current directory]
          --seed N             seed of the split and the network                    [1]
          -h, --help           show this text
        """;

    /// <summary>Parses <paramref name="args"/>; returns null when help was asked for.</summary>
    /// <exception cref="ArgumentException">An unknown option or a bad value, with a message for the user.</exception>
    public static SampleOptions? Parse(IReadOnlyList<string> args)
    {
        var options = new SampleOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name is "-h" or "--help" or "-?")
            {
                return null;
            }

            string value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            options = name switch
            {
                "--data" => options with { DataPath = value },
                "--label" => options with { LabelColumn = value },
                "--separator" => options with { Separator = ParseSeparator(value) },
                "--epochs" => options with { Epochs = ParsePositive(name, value) },
                "--layers" => options with { HiddenLayers = value.Split(',', StringSplitOptions.TrimEntries).Select(v => ParsePositive(name, v)).ToArray() },
                "--learning-rate" => options with { LearningRate = ParseLearningRate(value) },
                "--out" => options with { OutputDirectory = value },
                "--seed" => options with { Seed = ParseInt(name, value) },
                _ => throw new ArgumentException($"Unknown option '{name}'. Try --help."),
            };
        }

        return options;
    }

    private static char ParseSeparator(string value) => value.ToLowerInvariant() switch
    {
        "tab" or "\\t" or "\t" => '\t',
        "comma" => ',',
        "semicolon" => ';',
        "space" => ' ',
        { Length: 1 } => value[0],
        _ => throw new ArgumentException($"--separator takes one character or 'tab', not '{value}'."),
    };

    private static int ParsePositive(string name, string value)
    {
        int number = ParseInt(name, value);
        return number > 0 ? number : throw new ArgumentException($"{name} needs positive whole numbers, not '{value}'.");
    }

    private static int ParseInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int number)
            ? number
            : throw new ArgumentException($"{name} needs a whole number, not '{value}'.");

    private static float ParseLearningRate(string value) =>
        float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float rate) && rate > 0 && float.IsFinite(rate)
            ? rate
            : throw new ArgumentException($"--learning-rate needs a positive number, not '{value}'.");
}
