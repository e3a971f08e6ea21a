using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Backprop.MLNet.Weaver;

/// <summary>Adds ML.NET's LoadableClass attribute for each loader the assembly declares with the marker attribute.</summary>
internal static class LoaderWeaver
{
    private const string MarkerAttribute = "Backprop.MLNet.MLNet.Persistence.RegisterModelLoaderAttribute";
    private const string IgnoresAccessChecksAttribute = "System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute";
    private const string LoadableClassAttribute = "Microsoft.ML.LoadableClassAttribute";

    /// <summary>Weaves the assembly at <paramref name="path"/> in place; returns the process exit code.</summary>
    public static int Weave(string path, TextWriter output, TextWriter errors)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(path)!);
        using AssemblyDefinition assembly = AssemblyDefinition.ReadAssembly(path, new ReaderParameters
        {
            InMemory = true, // the file is not held open while it is replaced
            ReadSymbols = true,
            SymbolReaderProvider = new DefaultSymbolReaderProvider(throwIfNoSymbol: false),
            AssemblyResolver = resolver,
        });
        ModuleDefinition module = assembly.MainModule;
        string name = Path.GetFileName(path);

        var markers = assembly.CustomAttributes.Where(a => a.AttributeType.FullName == MarkerAttribute).ToList();
        if (markers.Count == 0)
        {
            output.WriteLine($"Weaver: {name}: no {MarkerAttribute}; nothing to do.");
            return 0;
        }

        // Without it the runtime silently ignores an internal attribute type, and loading fails as if nothing was woven.
        if (!assembly.CustomAttributes.Any(a => a.AttributeType.FullName == IgnoresAccessChecksAttribute && (string)a.ConstructorArguments[0].Value == "Microsoft.ML.Core"))
        {
            errors.WriteLine($"{path}: error BPW001: missing [assembly: IgnoresAccessChecksTo(\"Microsoft.ML.Core\")].");
            return 1;
        }

        AssemblyNameReference? mlCore = module.AssemblyReferences.FirstOrDefault(r => r.Name == "Microsoft.ML.Core");
        if (mlCore is null)
        {
            errors.WriteLine($"{path}: error BPW002: the assembly does not reference Microsoft.ML.Core.");
            return 1;
        }

        var typeType = new TypeReference("System", "Type", module, module.TypeSystem.CoreLibrary);
        var stringArray = new ArrayType(module.TypeSystem.String);
        var attributeType = new TypeReference("Microsoft.ML", "LoadableClassAttribute", module, mlCore);
        var signatureLoadModel = new TypeReference("Microsoft.ML", "SignatureLoadModel", module, mlCore);

        // LoadableClassAttribute(Type instType, Type argType, Type sigType, string userName, params string[] loadNames)
        var constructor = new MethodReference(".ctor", module.TypeSystem.Void, attributeType) { HasThis = true };
        constructor.Parameters.Add(new ParameterDefinition(typeType));
        constructor.Parameters.Add(new ParameterDefinition(typeType));
        constructor.Parameters.Add(new ParameterDefinition(typeType));
        constructor.Parameters.Add(new ParameterDefinition(module.TypeSystem.String));
        constructor.Parameters.Add(new ParameterDefinition(stringArray));

        int added = 0;
        foreach (CustomAttribute marker in markers)
        {
            var loaderType = (TypeReference)marker.ConstructorArguments[0].Value;
            var loadName = (string)marker.ConstructorArguments[1].Value;
            bool woven = assembly.CustomAttributes.Any(a => a.AttributeType.FullName == LoadableClassAttribute
                && a.ConstructorArguments.Count > 0 && a.ConstructorArguments[0].Value is TypeReference t && t.FullName == loaderType.FullName);
            if (woven)
            {
                continue;
            }

            if (string.IsNullOrEmpty(loadName) || loadName.Length > 24 || loadName.Any(c => c > 0x7F))
            {
                errors.WriteLine($"{path}: error BPW003: loader name '{loadName}' of {loaderType.FullName} must be 1–24 ASCII characters.");
                return 1;
            }

            if (LoaderProblem(module, loaderType) is string problem)
            {
                errors.WriteLine($"{path}: error BPW004: {problem}");
                return 1;
            }

            var attribute = new CustomAttribute(constructor);
            attribute.ConstructorArguments.Add(new CustomAttributeArgument(typeType, loaderType));
            attribute.ConstructorArguments.Add(new CustomAttributeArgument(typeType, null));
            attribute.ConstructorArguments.Add(new CustomAttributeArgument(typeType, signatureLoadModel));
            attribute.ConstructorArguments.Add(new CustomAttributeArgument(module.TypeSystem.String, loadName));
            attribute.ConstructorArguments.Add(new CustomAttributeArgument(stringArray, new[] { new CustomAttributeArgument(module.TypeSystem.String, loadName) }));
            assembly.CustomAttributes.Add(attribute);
            added++;
        }

        if (added == 0)
        {
            output.WriteLine($"Weaver: {name}: already woven.");
            return 0;
        }

        // Write beside, then move over the original: a failure never leaves a half-written assembly.
        string scratch = Path.Combine(Path.GetDirectoryName(path)!, "weaver.tmp");
        Directory.CreateDirectory(scratch);
        string temporary = Path.Combine(scratch, name);
        assembly.Write(temporary, new WriterParameters { WriteSymbols = module.HasSymbols });
        File.Move(temporary, path, overwrite: true);
        string temporaryPdb = Path.ChangeExtension(temporary, ".pdb");
        if (File.Exists(temporaryPdb))
        {
            File.Move(temporaryPdb, Path.ChangeExtension(path, ".pdb"), overwrite: true);
        }

        Directory.Delete(scratch, recursive: true);
        output.WriteLine($"Weaver: {name}: added {added} LoadableClass attribute(s).");
        return 0;
    }

    /// <summary>
    /// ML.NET accepts a static <c>Create(IHostEnvironment, ModelLoadContext-compatible)</c> returning exactly the type, or
    /// such a constructor. One it cannot use makes the whole assembly's registration throw, breaking every model load,
    /// so this is checked at build time.
    /// </summary>
    private static string? LoaderProblem(ModuleDefinition module, TypeReference loaderType)
    {
        TypeDefinition? type = module.GetType(loaderType.FullName);
        if (type is null)
        {
            return $"{loaderType.FullName} is not defined in this assembly.";
        }

        static bool LoaderParameters(MethodDefinition m) => m.Parameters.Count == 2
            && m.Parameters[0].ParameterType.FullName == "Microsoft.ML.Runtime.IHostEnvironment"
            && m.Parameters[1].ParameterType.FullName == "System.Object";
        var creates = type.Methods.Where(m => m.Name == "Create" && m.IsStatic && LoaderParameters(m)).ToList();
        var constructors = type.Methods.Where(m => m.IsConstructor && !m.IsStatic && LoaderParameters(m)).ToList();
        if (creates.Count + constructors.Count != 1)
        {
            return $"{loaderType.FullName} needs exactly one loader: static {type.Name} Create(IHostEnvironment, object) or a constructor {type.Name}(IHostEnvironment, object).";
        }

        if (creates.Count == 1 && creates[0].ReturnType.FullName != type.FullName)
        {
            return $"{loaderType.FullName}.Create(IHostEnvironment, object) must return exactly {type.FullName}.";
        }

        return null;
    }
}
