using ScottPlot;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>
/// The font the plots use, shipped next to the program: the dependency-free SkiaSharp build finds
/// no fonts on a machine that has none installed, and would draw plots without any text.
/// </summary>
public static class PlotFonts
{
    /// <summary>The family name the shipped files are registered under.</summary>
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<string> Registered = new(Register);

    /// <summary>Registers the shipped font with ScottPlot (once) and makes it <paramref name="plot"/>'s font.</summary>
    public static void Apply(Plot plot) => plot.Font.Set(Registered.Value);

    private static string Register()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Fonts");
        Fonts.AddFontFile(Family, Path.Combine(folder, "DejaVuSans.ttf"), bold: false, italic: false);
        Fonts.AddFontFile(Family, Path.Combine(folder, "DejaVuSans-Bold.ttf"), bold: true, italic: false);
        return Family;
    }
}
