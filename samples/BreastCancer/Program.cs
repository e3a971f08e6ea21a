using Backprop.MLNet.Samples.BreastCancer;
using Spectre.Console;

// Only argument parsing lives here; BreastCancerSample does the work (and the smoke test calls it).
SampleOptions? options;
try
{
    options = CommandLine.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

if (options is null)
{
    Console.WriteLine(CommandLine.Help);
    return 0;
}

if (Console.IsOutputRedirected)
{
    // Spectre.Console assumes 80 columns when it cannot ask a terminal; the metrics table needs more.
    AnsiConsole.Profile.Width = 120;
}

try
{
    // A live bar only where someone watches it; redirected output gets a line every few epochs.
    BreastCancerSample.Run(options with { ShowProgressBar = !Console.IsOutputRedirected }, AnsiConsole.Console);
    return 0;
}
catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
