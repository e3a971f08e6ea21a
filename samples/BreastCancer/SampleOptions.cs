namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>What the main sample runs on and where it writes; every property has a default that needs no arguments.</summary>
public sealed record SampleOptions
{
    /// <summary>The shipped breast cancer data, copied next to the program by the build.</summary>
    public static string ShippedDataPath => Path.Combine(AppContext.BaseDirectory, "Data", "breast-cancer.txt");

    /// <summary>A CSV/TSV file with a header row, or null for the shipped breast cancer data.</summary>
    public string? DataPath { get; init; }

    /// <summary>Header name of the 0/1 (or true/false) label column of <see cref="DataPath"/>. Default "Label".</summary>
    public string LabelColumn { get; init; } = "Label";

    /// <summary>Column separator of <see cref="DataPath"/>, or null to detect it from the header line.</summary>
    public char? Separator { get; init; }

    /// <summary>Training epochs of BackpropMlp (early stopping may end sooner). Default 100.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Units per hidden layer: the last is sigmoid, the ones before it tanh. Default the handout's 32, 16.</summary>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [32, 16];

    /// <summary>Adam's step size. Default 0.001, the trainer's own default.</summary>
    public float LearningRate { get; init; } = MlpTrainingOptions.Defaults.LearningRate;

    /// <summary>Where loss-curve.png, roc.png and model.zip go. Default the current directory.</summary>
    public string OutputDirectory { get; init; } = ".";

    /// <summary>Seed of the MLContext, the split and the network. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Draw a live progress bar (only on an interactive terminal); otherwise print a line every few epochs.</summary>
    public bool ShowProgressBar { get; init; }

    /// <summary>How many test rows to predict with the reloaded model. Default 5.</summary>
    public int PredictionRows { get; init; } = 5;
}
