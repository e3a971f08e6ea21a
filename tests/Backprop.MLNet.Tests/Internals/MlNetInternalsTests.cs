using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.ML;
using Xunit.Abstractions;

namespace Backprop.MLNet.Tests.Internals;

/// <summary>
/// Backprop.MLNet is compiled against copies of Microsoft.ML.Core/Data with every member public (the Publicizer), so
/// nothing at compile time checks that what it uses of ML.NET's internals exists in the Microsoft.ML that runs. These
/// tests read the built assembly's metadata and resolve every ML.NET type and member it references against the real
/// assemblies, and check that the runtime honours the LoadableClass attributes (it drops them silently otherwise).
/// </summary>
public class MlNetInternalsTests(ITestOutputHelper output)
{
    private static readonly string[] MlAssemblies = ["Microsoft.ML.Core", "Microsoft.ML.Data", "Microsoft.ML.DataView", "Microsoft.ML.StandardTrainers", "Microsoft.ML.Transforms"];

    [Fact]
    public void EveryMlNetMemberTheLibraryUsesResolvesAndTheInternalOnesAreListed()
    {
        List<UsedMember> used = MlNetReferences.Read(typeof(BackpropMlpModelParameters).Assembly.Location, MlAssemblies);
        Assert.NotEmpty(used);
        var missing = used.Where(u => !u.Resolved).Select(u => u.Description).ToList();
        Assert.True(missing.Count == 0, "Microsoft.ML " + typeof(MLContext).Assembly.GetName().Version + " lacks:\n" + string.Join("\n", missing));

        var internals = used.Where(u => u.IsInternal).Select(u => u.Description).Distinct().Order().ToList();
        output.WriteLine($"{internals.Count} internal ML.NET types and members used:\n" + string.Join("\n", internals));

        // The contracts the issue is about are really used internally (the list is not empty by accident).
        foreach (string expected in new[] { "Microsoft.ML.Data.IValueMapperDist", "Microsoft.ML.Model.OnnxConverter.ISingleCanSaveOnnx", "Microsoft.ML.LoadableClassAttribute" })
        {
            Assert.Contains(internals, d => d.StartsWith(expected, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void AMemberMissingFromMicrosoftMlIsNamed()
    {
        // The resolver itself must fail on a member that does not exist: run it on a type name ML.NET never had.
        var probe = new UsedMember("Microsoft.ML.Core", "Microsoft.ML.ModelLoadContext", "NoSuchMember", ParameterCount: 0, IsMethod: true);
        Assert.False(MlNetReferences.Resolve(probe).Resolved);
        var real = new UsedMember("Microsoft.ML.Core", "Microsoft.ML.ModelLoadContext", "CheckAtModel", ParameterCount: 1, IsMethod: true);
        UsedMember resolved = MlNetReferences.Resolve(real);
        Assert.True(resolved.Resolved);
        Assert.True(resolved.IsInternal);
    }

    [Fact]
    public void TheRuntimeHonoursTheLoadableClassAttributes()
    {
        // Without [IgnoresAccessChecksTo("Microsoft.ML.Core")] the runtime drops these attributes (ML.NET's attribute type
        // is internal) and Model.Load fails in every process: they must be readable through reflection.
        // (ML.NET's ComponentCatalog reads them the same way: instantiated, by the internal attribute type.)
        Type attributeType = typeof(Microsoft.ML.Runtime.IHostEnvironment).Assembly.GetType("Microsoft.ML.LoadableClassAttribute", throwOnError: true)!;
        var loaders = typeof(BackpropMlpModelParameters).Assembly.GetCustomAttributes(attributeType)
            .Select(a => (Names: (string[])attributeType.GetProperty("LoadNames", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!.GetValue(a)!,
                          Type: (Type)attributeType.GetProperty("InstanceType", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!.GetValue(a)!))
            .ToList();
        Assert.Contains(loaders, a => a.Names.Contains("BackpropMlpModel") && a.Type == typeof(BackpropMlpModelParameters));
        Assert.Contains(loaders, a => a.Names.Contains("BackpropMlpTransformer") && a.Type == typeof(Microsoft.ML.Data.BinaryPredictionTransformer<BackpropMlpModelParameters>));
    }
}

/// <summary>A type or member of an ML.NET assembly that Backprop.MLNet references.</summary>
internal sealed record UsedMember(string Assembly, string TypeName, string? Member, int ParameterCount, bool IsMethod)
{
    public bool Resolved { get; init; }

    public bool IsInternal { get; init; }

    public string Description => Member is null ? $"{TypeName} ({Assembly})"
        : IsMethod ? $"{TypeName}.{Member}({ParameterCount} parameters) ({Assembly})" : $"{TypeName}.{Member} (field, {Assembly})";
}

/// <summary>Reads the ML.NET references out of an assembly's metadata and resolves them by reflection against the loaded ML.NET.</summary>
internal static class MlNetReferences
{
    public static List<UsedMember> Read(string path, string[] assemblies)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        var result = new List<UsedMember>();
        foreach (TypeReferenceHandle handle in md.TypeReferences)
        {
            if (TypeReferenceName(md, handle) is (string assembly, string name) && assemblies.Contains(assembly))
            {
                result.Add(Resolve(new UsedMember(assembly, name, null, 0, false)));
            }
        }

        foreach (MemberReferenceHandle handle in md.MemberReferences)
        {
            MemberReference member = md.GetMemberReference(handle);
            EntityHandle parent = member.Parent;
            if (parent.Kind == HandleKind.TypeSpecification)
            {
                // A generic instantiation, e.g. BinaryPredictionTransformer<BackpropMlpModelParameters>: its definition.
                BlobReader blob = md.GetBlobReader(md.GetTypeSpecification((TypeSpecificationHandle)parent).Signature);
                if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance)
                {
                    continue;
                }

                blob.ReadSignatureTypeCode();
                parent = blob.ReadTypeHandle();
            }

            if (parent.Kind != HandleKind.TypeReference || TypeReferenceName(md, (TypeReferenceHandle)parent) is not (string assembly, string name) || !assemblies.Contains(assembly))
            {
                continue;
            }

            BlobReader signature = md.GetBlobReader(member.Signature);
            SignatureHeader header = signature.ReadSignatureHeader();
            bool isMethod = header.Kind == SignatureKind.Method;
            int parameters = 0;
            if (isMethod)
            {
                if (header.IsGeneric)
                {
                    signature.ReadCompressedInteger();
                }

                parameters = signature.ReadCompressedInteger();
            }

            result.Add(Resolve(new UsedMember(assembly, name, md.GetString(member.Name), parameters, isMethod)));
        }

        return result;
    }

    /// <summary>Looks the type, and the member by name, kind and parameter count, up in the real assembly.</summary>
    public static UsedMember Resolve(UsedMember used)
    {
        Type? type = Assembly.Load(used.Assembly).GetType(used.TypeName, throwOnError: false);
        if (type is null)
        {
            return used with { Resolved = false };
        }

        if (used.Member is null)
        {
            return used with { Resolved = true, IsInternal = !(type.IsPublic || type.IsNestedPublic) };
        }

        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        MemberInfo[] candidates = used.IsMethod
            ? used.Member == ".ctor"
                ? type.GetConstructors(all).Where(c => c.GetParameters().Length == used.ParameterCount).ToArray()
                : type.GetMethods(all).Where(m => m.Name == used.Member && m.GetParameters().Length == used.ParameterCount).ToArray()
            : type.GetFields(all).Where(f => f.Name == used.Member).ToArray();
        if (candidates.Length == 0)
        {
            return used with { Resolved = false };
        }

        // Protected members (of DataViewRowCursor, say) are there for every subclass: not internals.
        bool isPublic = candidates.Any(c => c switch
        {
            MethodBase m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
            FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
            _ => false,
        }) && (type.IsPublic || type.IsNestedPublic);
        return used with { Resolved = true, IsInternal = !isPublic };
    }

    private static (string Assembly, string Name)? TypeReferenceName(MetadataReader md, TypeReferenceHandle handle)
    {
        TypeReference type = md.GetTypeReference(handle);
        string name = md.GetString(type.Name);
        string ns = md.GetString(type.Namespace);
        EntityHandle scope = type.ResolutionScope;
        if (scope.Kind == HandleKind.TypeReference)
        {
            // Nested: Outer+Inner, in the outer type's assembly.
            return TypeReferenceName(md, (TypeReferenceHandle)scope) is (string assembly, string outer) ? (assembly, $"{outer}+{name}") : null;
        }

        if (scope.Kind != HandleKind.AssemblyReference)
        {
            return null;
        }

        string assemblyName = md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)scope).Name);
        return (assemblyName, ns.Length == 0 ? name : $"{ns}.{name}");
    }
}
