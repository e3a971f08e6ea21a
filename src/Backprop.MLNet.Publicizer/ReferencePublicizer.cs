using Mono.Cecil;

namespace Backprop.MLNet.Publicizer;

/// <summary>
/// Makes a compile-time reference copy of an assembly in which every type, method and field is public.
/// </summary>
/// <remarks>
/// ML.NET's predictor contracts (IValueMapper, ISingleCanSaveOnnx, LoadableClassAttribute, ModelLoadContext, ...) are
/// internal. Compiling against such a copy lets C# name them; at run time the real assembly is loaded and
/// <c>[assembly: IgnoresAccessChecksTo(...)]</c> in Backprop.MLNet makes the runtime accept the access. The copy is
/// marked <c>[ReferenceAssembly]</c> so the runtime refuses to execute it, and its strong-name flag is cleared (it is
/// no longer signed) while its public key stays, so references compiled against it name the real assembly.
/// </remarks>
internal static class ReferencePublicizer
{
    /// <summary>Reads <paramref name="input"/> and writes the publicized copy to <paramref name="output"/>.</summary>
    public static void Publicize(string input, string output)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(input)!);
        using AssemblyDefinition assembly = AssemblyDefinition.ReadAssembly(input, new ReaderParameters { AssemblyResolver = resolver, InMemory = true });
        ModuleDefinition module = assembly.MainModule;
        foreach (TypeDefinition type in module.GetTypes())
        {
            if (!ShouldPublicize(type))
            {
                continue;
            }

            type.Attributes = (type.Attributes & ~TypeAttributes.VisibilityMask) | (type.IsNested ? TypeAttributes.NestedPublic : TypeAttributes.Public);
            var eventNames = type.Events.Select(e => e.Name).ToHashSet();
            foreach (MethodDefinition method in type.Methods)
            {
                if (!IsCompilerGenerated(method))
                {
                    method.Attributes = (method.Attributes & ~MethodAttributes.MemberAccessMask) | MethodAttributes.Public;
                }
            }

            foreach (FieldDefinition field in type.Fields)
            {
                // A field-like event's backing field has the event's name: making it public would make the name ambiguous.
                if (!IsCompilerGenerated(field) && !eventNames.Contains(field.Name))
                {
                    field.Attributes = (field.Attributes & ~FieldAttributes.FieldAccessMask) | FieldAttributes.Public;
                }
            }
        }

        MarkAsReferenceAssembly(assembly);
        module.Attributes &= ~ModuleAttributes.StrongNameSigned;
        string temporary = output + ".tmp";
        assembly.Write(temporary);
        File.Move(temporary, output, overwrite: true);
    }

    /// <summary>
    /// Types of <c>System.*</c> namespaces (polyfilled attributes such as IsReadOnlyAttribute) and compiler-generated
    /// ones (closures, state machines) stay as they are: public copies would clash with the framework's or mean nothing.
    /// </summary>
    private static bool ShouldPublicize(TypeDefinition type)
    {
        for (TypeDefinition? t = type; t is not null; t = t.DeclaringType)
        {
            if (t.Name == "<Module>" || IsCompilerGenerated(t) || t.Name.StartsWith('<'))
            {
                return false;
            }

            if (t.DeclaringType is null && (t.Namespace == "System" || t.Namespace.StartsWith("System.", StringComparison.Ordinal) || t.Namespace.Length == 0))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsCompilerGenerated(ICustomAttributeProvider member) =>
        member.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.CompilerGeneratedAttribute")
        || (member is IMemberDefinition m && m.Name.StartsWith('<'));

    private static void MarkAsReferenceAssembly(AssemblyDefinition assembly)
    {
        const string referenceAssembly = "System.Runtime.CompilerServices.ReferenceAssemblyAttribute";
        if (assembly.CustomAttributes.Any(a => a.AttributeType.FullName == referenceAssembly))
        {
            return;
        }

        ModuleDefinition module = assembly.MainModule;
        var attributeType = new TypeReference("System.Runtime.CompilerServices", "ReferenceAssemblyAttribute", module, module.TypeSystem.CoreLibrary);
        var constructor = new MethodReference(".ctor", module.TypeSystem.Void, attributeType) { HasThis = true };
        assembly.CustomAttributes.Add(new CustomAttribute(constructor));
    }
}
