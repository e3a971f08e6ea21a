using Spectre.Console;

namespace Backprop.MLNet.Tests.Samples;

/// <summary>A Spectre.Console console that writes plain text (no colours, no cursor moves) into a string.</summary>
internal sealed class SampleConsole
{
    private readonly StringWriter writer = new();

    public SampleConsole()
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        Console.Profile.Width = 120;
    }

    public IAnsiConsole Console { get; }

    public string Text => writer.ToString();
}
