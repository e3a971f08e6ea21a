using Spectre.Console;

namespace Backprop.MLNet.Tests.Samples;

/// <summary>The Adult income and Wikipedia detox samples run on the shipped data and print their tables.</summary>
[Trait("Category", "Slow")]
public class OtherSamplesTests
{
    private static (IAnsiConsole Console, StringWriter Output) Capture()
    {
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;
        return (console, output);
    }

    [Fact]
    public void AdultIncomeCrossValidatesAndRanksFeatures()
    {
        (IAnsiConsole console, StringWriter output) = Capture();
        Backprop.MLNet.Samples.AdultIncome.AdultIncomeSample.Run(console, epochs: 1);
        string text = output.ToString();
        Assert.Contains("5-fold cross-validation", text);
        Assert.Contains("BackpropMlp, per fold", text);
        Assert.Contains("Permutation feature importance", text);
        Assert.Contains("mean", text);
        Assert.Matches(@"Top 15 of \d+ feature slots by AUC drop", text);
    }

    [Fact]
    public void WikipediaDetoxTrainsOnTextAndScoresNewComments()
    {
        (IAnsiConsole console, StringWriter output) = Capture();
        Backprop.MLNet.Samples.WikipediaDetox.WikipediaDetoxSample.Run(console);
        string text = output.ToString();
        Assert.Contains("LbfgsLogisticRegression", text);
        Assert.Contains("New comments", text);
        Assert.Matches("toxic|fine", text);
    }
}
