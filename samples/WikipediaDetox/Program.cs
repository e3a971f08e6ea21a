using Backprop.MLNet.Samples.WikipediaDetox;
using Spectre.Console;

if (Console.IsOutputRedirected)
{
    // Spectre.Console assumes 80 columns when it cannot ask a terminal; the tables need more.
    AnsiConsole.Profile.Width = 120;
}

WikipediaDetoxSample.Run(AnsiConsole.Console);
