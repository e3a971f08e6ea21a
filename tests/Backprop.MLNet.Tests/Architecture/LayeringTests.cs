using Xunit.Abstractions;

namespace Backprop.MLNet.Tests.Architecture;

/// <summary>
/// The layers of the library, read off the built assembly (not its source text): every type is placed in the folder
/// its source file is in (from the portable PDB), and every type it uses — in signatures, base types, fields and the
/// IL of its methods — must come from its own layer or one below: Numerics ← Network ← Training ← Integration. The core
/// (Numerics, Network, Training) must not use Microsoft.ML at all.
/// </summary>
public class LayeringTests(ITestOutputHelper output)
{
    /// <summary>What each layer may use besides itself (and the .NET libraries).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Numerics"] = [],
        ["Network"] = ["Numerics", "MathNet.Numerics"],
        ["Training"] = ["Numerics", "Network", "MathNet.Numerics"],
        ["Integration"] = ["Numerics", "Network", "Training", "MathNet.Numerics", "Microsoft.ML.*"],
    };

    [Fact]
    public void EveryTypeUsesOnlyItsOwnLayerOrTheOnesBelow()
    {
        string assembly = typeof(BackpropMlpModelParameters).Assembly.Location;
        TypeDependencies dependencies = TypeDependencies.Read(assembly, Path.ChangeExtension(assembly, ".pdb"), "src/Backprop.MLNet/");
        Assert.True(dependencies.Edges.Count > 200, $"only {dependencies.Edges.Count} dependencies read: the reader is broken");
        foreach (string layer in Allowed.Keys)
        {
            Assert.Contains(dependencies.LayerOf.Values, l => l == layer); // every layer has types, so none is misnamed
        }

        List<string> violations = Violations(dependencies.Edges, dependencies.LayerOf);
        output.WriteLine($"{dependencies.Edges.Count} dependencies between {dependencies.LayerOf.Count} types checked.");
        Assert.True(violations.Count == 0, "Upward or forbidden dependencies:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void TheCheckCatchesAnUpwardDependencyAndMicrosoftMlInTheCore()
    {
        var layerOf = new Dictionary<string, string>
        {
            ["A.Kernel"] = "Numerics", ["A.Trainer"] = "Training", ["A.Net"] = "Network", ["A.Face"] = "Integration",
        };
        List<(string From, string To)> edges =
        [
            ("A.Net", "A.Kernel"), ("A.Face", "A.Trainer"), // fine
            ("A.Kernel", "A.Net"),                         // Numerics → Network: upward
            ("A.Trainer", "[Microsoft.ML.Data]Microsoft.ML.IDataView"), // the core using ML.NET
            ("A.Net", "[System.Runtime]System.Span`1"),    // the runtime: fine
        ];
        List<string> violations = Violations(edges, layerOf);
        Assert.Equal(2, violations.Count);
        Assert.Contains(violations, v => v.Contains("A.Kernel (Numerics) uses A.Net (Network)", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("A.Trainer (Training) uses [Microsoft.ML.Data]", StringComparison.Ordinal));
    }

    private static List<string> Violations(IEnumerable<(string From, string To)> edges, IReadOnlyDictionary<string, string> layerOf)
    {
        var violations = new List<string>();
        foreach ((string from, string to) in edges.Distinct())
        {
            if (!layerOf.TryGetValue(from, out string? layer))
            {
                continue; // a type with no source file of its own (compiler-generated): its methods are checked with their declaring type
            }

            string target;
            if (to.StartsWith('['))
            {
                string external = to[1..to.IndexOf(']', StringComparison.Ordinal)];
                if (external.StartsWith("System", StringComparison.Ordinal) || external is "netstandard" or "mscorlib")
                {
                    continue;
                }

                target = external.StartsWith("Microsoft.ML", StringComparison.Ordinal) ? "Microsoft.ML.*" : external;
            }
            else if (!layerOf.TryGetValue(to, out target!))
            {
                continue;
            }

            if (target != layer && !Allowed[layer].Contains(target))
            {
                violations.Add($"{from} ({layer}) uses {to} ({target})");
            }
        }

        return violations;
    }
}
