// Adds, for every [assembly: Backprop.MLNet.MLNet.Persistence.RegisterModelLoader(typeof(T), "Name")] in the given assembly,
//   [assembly: Microsoft.ML.LoadableClass(typeof(T), null, typeof(Microsoft.ML.SignatureLoadModel), "Name", "Name")]
// ML.NET reads the loader assembly from a model file's header, loads it and registers its LoadableClass attributes;
// that attribute is internal to Microsoft.ML.Core, so C# cannot write it and we add it to the compiled IL.
// Usage: dotnet Backprop.MLNet.Weaver.dll <assembly.dll>. An already-woven assembly is left untouched.
using Backprop.MLNet.Weaver;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Backprop.MLNet.Weaver <assembly.dll>");
    return 2;
}

try
{
    return LoaderWeaver.Weave(Path.GetFullPath(args[0]), Console.Out, Console.Error);
}
catch (Exception e)
{
    Console.Error.WriteLine($"{args[0]}: error BPW000: weaving failed: {e.GetType().Name}: {e.Message}");
    return 1;
}
