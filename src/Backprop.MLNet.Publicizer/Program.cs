// Writes, for each given assembly, a copy in <output directory> whose types and members are all public and which is
// marked [ReferenceAssembly], so it can be compiled against but never loaded to run (see ReferencePublicizer).
// Usage: dotnet Backprop.MLNet.Publicizer.dll <output directory> <assembly.dll>...
using Backprop.MLNet.Publicizer;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Backprop.MLNet.Publicizer <output directory> <assembly.dll>...");
    return 2;
}

string outputDirectory = Path.GetFullPath(args[0]);
Directory.CreateDirectory(outputDirectory);
foreach (string input in args.Skip(1))
{
    try
    {
        string output = Path.Combine(outputDirectory, Path.GetFileName(input));
        ReferencePublicizer.Publicize(Path.GetFullPath(input), output);
        Console.WriteLine($"Publicizer: {Path.GetFileName(input)} -> {output}");
    }
    catch (Exception e)
    {
        Console.Error.WriteLine($"{input}: error BPP001: publicizing failed: {e.GetType().Name}: {e.Message}");
        return 1;
    }
}

return 0;
