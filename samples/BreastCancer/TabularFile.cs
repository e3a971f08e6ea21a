using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>
/// Where a delimited file keeps its label and its numeric features, and how to load it with
/// ML.NET's <see cref="TextLoader"/>: the label becomes the Boolean column "Label" and each feature a
/// Single column of its own (so that missing values can be replaced column by column).
/// </summary>
public sealed class TabularFile
{
    private TabularFile(string path, char separator, bool hasHeader, int labelIndex, IReadOnlyList<FeatureColumn> features, IReadOnlyList<string> skippedColumns)
    {
        Path = path;
        Separator = separator;
        HasHeader = hasHeader;
        LabelIndex = labelIndex;
        Features = features;
        SkippedColumns = skippedColumns;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The column separator.</summary>
    public char Separator { get; }

    /// <summary>Whether the first non-comment line names the columns.</summary>
    public bool HasHeader { get; }

    /// <summary>0-based index of the label column.</summary>
    public int LabelIndex { get; }

    /// <summary>The numeric feature columns, in file order.</summary>
    public IReadOnlyList<FeatureColumn> Features { get; }

    /// <summary>Header names of columns left out because they are not numeric.</summary>
    public IReadOnlyList<string> SkippedColumns { get; }

    /// <summary>The names of the feature columns in the loaded data view.</summary>
    public string[] FeatureNames => Features.Select(f => f.Name).ToArray();

    /// <summary>
    /// The shipped UCI breast cancer file: no header, <c>//</c> comments, label (0 benign, 1 malignant)
    /// in column 0 and nine cytology scores from 1 to 10 ('?' where Bare Nuclei is unknown).
    /// </summary>
    public static TabularFile BreastCancer(string path)
    {
        string[] names =
        [
            "ClumpThickness", "CellSizeUniformity", "CellShapeUniformity", "MarginalAdhesion", "SingleEpithelialCellSize",
            "BareNuclei", "BlandChromatin", "NormalNucleoli", "Mitoses",
        ];
        return new TabularFile(path, '\t', hasHeader: false, labelIndex: 0, names.Select((name, i) => new FeatureColumn(name, i + 1)).ToArray(), []);
    }

    /// <summary>
    /// Reads the header and the first rows of a CSV/TSV file: the column named <paramref name="labelColumn"/>
    /// is the label, every other column whose values parse as numbers is a feature.
    /// </summary>
    /// <param name="path">The file; its first line that is not a <c>//</c> comment must name the columns.</param>
    /// <param name="labelColumn">Header name of the label column (0/1 or true/false).</param>
    /// <param name="separator">The separator, or null to pick the most frequent of tab, comma and semicolon in the header.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, has no such label column, or no numeric feature.</exception>
    public static TabularFile Describe(string path, string labelColumn, char? separator)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No data file at '{path}'.", path);
        }

        const int rowsToSniff = 200;
        List<string> lines = File.ReadLines(path).Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal)).Take(rowsToSniff + 1).ToList();
        if (lines.Count < 2)
        {
            throw new InvalidDataException($"'{path}' needs a header line and at least one data row.");
        }

        char sep = separator ?? DetectSeparator(lines[0]);
        string[] header = lines[0].Split(sep).Select(h => h.Trim().Trim('"')).ToArray();
        int labelIndex = Array.FindIndex(header, h => string.Equals(h, labelColumn, StringComparison.OrdinalIgnoreCase));
        if (labelIndex < 0)
        {
            throw new InvalidDataException($"'{path}' has no column named '{labelColumn}'. Its columns: {string.Join(", ", header)}. Pass --label NAME.");
        }

        string[][] rows = lines.Skip(1).Select(l => l.Split(sep)).ToArray();
        var features = new List<FeatureColumn>();
        var skipped = new List<string>();
        var usedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Label", "Features", "Score", "Probability", "PredictedLabel" };
        for (int column = 0; column < header.Length; column++)
        {
            if (column == labelIndex)
            {
                continue;
            }

            if (rows.All(r => column < r.Length && IsNumberOrMissing(r[column])))
            {
                features.Add(new FeatureColumn(UniqueName(header[column], column, usedNames), column));
            }
            else
            {
                skipped.Add(header[column]);
            }
        }

        if (features.Count == 0)
        {
            throw new InvalidDataException($"'{path}' has no numeric column besides the label '{labelColumn}'.");
        }

        return new TabularFile(path, sep, hasHeader: true, labelIndex, features, skipped);
    }

    /// <summary>Loads the file lazily: "Label" (Boolean) and one Single column per feature; '?', 'NA' and empty cells become NaN.</summary>
    public IDataView Load(MLContext ml)
    {
        var columns = new List<TextLoader.Column> { new("Label", DataKind.Boolean, LabelIndex) };
        columns.AddRange(Features.Select(f => new TextLoader.Column(f.Name, DataKind.Single, f.Index)));
        return ml.Data.LoadFromTextFile(Path, columns.ToArray(), separatorChar: Separator, hasHeader: HasHeader, allowQuoting: true, trimWhitespace: true);
    }

    private static char DetectSeparator(string header) =>
        new[] { '\t', ',', ';' }.OrderByDescending(c => header.Count(ch => ch == c)).First();

    private static bool IsNumberOrMissing(string cell)
    {
        string value = cell.Trim().Trim('"');
        return value.Length == 0 || value is "?" or "NA" or "NaN"
            || double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
    }

    // Header text can hold anything; the data view wants distinct names that don't clash with the pipeline's own columns.
    private static string UniqueName(string header, int column, HashSet<string> used)
    {
        string name = new string(header.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray()).Trim('_');
        if (name.Length == 0)
        {
            name = $"Column{column}";
        }

        string candidate = name;
        for (int suffix = 2; !used.Add(candidate); suffix++)
        {
            candidate = $"{name}_{suffix}";
        }

        return candidate;
    }
}
