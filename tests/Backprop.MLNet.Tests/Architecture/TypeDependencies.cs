using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Backprop.MLNet.Tests.Architecture;

/// <summary>
/// The types an assembly's types use, read from its metadata and IL, and the layer (source folder) of each type, read
/// from its portable PDB. Types of other assemblies are named "[Assembly]Namespace.Name".
/// </summary>
internal sealed class TypeDependencies
{
    private static readonly Guid TypeDefinitionDocuments = new("932E74BC-DCA9-4BC5-AF56-2A09F3A3C0A6");
    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes).GetFields()
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value, o => o.OperandType);

    private readonly MetadataReader md;
    private readonly Dictionary<string, HashSet<string>> edges = [];

    private TypeDependencies(MetadataReader md) => this.md = md;

    /// <summary>(user, used) pairs of type names.</summary>
    public List<(string From, string To)> Edges => edges.SelectMany(e => e.Value.Select(to => (e.Key, to))).ToList();

    /// <summary>Each type with a source file, and the first folder of that file under <c>sourceRoot</c>.</summary>
    public Dictionary<string, string> LayerOf { get; } = [];

    public static TypeDependencies Read(string assemblyPath, string pdbPath, string sourceRoot)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdbPath));
        MetadataReader md = pe.GetMetadataReader();
        MetadataReader pdb = pdbProvider.GetMetadataReader();
        var result = new TypeDependencies(md);
        foreach (TypeDefinitionHandle handle in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(handle);
            string name = result.Name(handle);
            if (Layer(md, pdb, handle, sourceRoot) is string layer && !name.Contains('<', StringComparison.Ordinal))
            {
                result.LayerOf[name] = layer;
            }

            string user = result.Name(OutermostUser(md, handle));
            if (!type.BaseType.IsNil)
            {
                result.AddType(user, type.BaseType);
            }

            foreach (InterfaceImplementationHandle i in type.GetInterfaceImplementations())
            {
                result.AddType(user, md.GetInterfaceImplementation(i).Interface);
            }

            foreach (FieldDefinitionHandle f in type.GetFields())
            {
                result.AddAll(user, md.GetFieldDefinition(f).DecodeSignature(new NameProvider(result), null));
            }

            foreach (MethodDefinitionHandle m in type.GetMethods())
            {
                MethodDefinition method = md.GetMethodDefinition(m);
                MethodSignature<ImmutableArray<string>> signature = method.DecodeSignature(new NameProvider(result), null);
                result.AddAll(user, signature.ReturnType);
                foreach (ImmutableArray<string> parameter in signature.ParameterTypes)
                {
                    result.AddAll(user, parameter);
                }

                if (method.RelativeVirtualAddress != 0)
                {
                    result.ReadBody(user, pe.GetMethodBody(method.RelativeVirtualAddress));
                }
            }
        }

        return result;
    }

    /// <summary>A nested (e.g. compiler-generated) type's uses count as its outermost declaring type's.</summary>
    private static TypeDefinitionHandle OutermostUser(MetadataReader md, TypeDefinitionHandle handle)
    {
        while (md.GetTypeDefinition(handle).GetDeclaringType() is { IsNil: false } outer && md.GetString(md.GetTypeDefinition(handle).Name).Contains('<', StringComparison.Ordinal))
        {
            handle = outer;
        }

        return handle;
    }

    private static string? Layer(MetadataReader md, MetadataReader pdb, TypeDefinitionHandle handle, string sourceRoot)
    {
        IEnumerable<DocumentHandle> documents = md.GetTypeDefinition(handle).GetMethods()
            .SelectMany(m => pdb.GetMethodDebugInformation(m).GetSequencePoints().Select(s => s.Document))
            .Concat(pdb.GetCustomDebugInformation(handle)
                .Select(pdb.GetCustomDebugInformation)
                .Where(c => pdb.GetGuid(c.Kind) == TypeDefinitionDocuments)
                .SelectMany(c => DocumentsOf(pdb, c.Value)));
        foreach (DocumentHandle document in documents)
        {
            if (document.IsNil)
            {
                continue;
            }

            string path = pdb.GetString(pdb.GetDocument(document).Name).Replace('\\', '/');
            int at = path.IndexOf(sourceRoot, StringComparison.Ordinal);
            if (at >= 0)
            {
                string rest = path[(at + sourceRoot.Length)..];
                return rest.Contains('/', StringComparison.Ordinal) ? rest[..rest.IndexOf('/', StringComparison.Ordinal)] : "(root)";
            }
        }

        return null;
    }

    private static IEnumerable<DocumentHandle> DocumentsOf(MetadataReader pdb, BlobHandle blob)
    {
        BlobReader reader = pdb.GetBlobReader(blob);
        var documents = new List<DocumentHandle>();
        while (reader.RemainingBytes > 0)
        {
            documents.Add(MetadataTokens.DocumentHandle(reader.ReadCompressedInteger()));
        }

        return documents;
    }

    private void ReadBody(string user, MethodBodyBlock body)
    {
        BlobReader il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE)
            {
                code = (short)(0xFE00 | il.ReadByte());
            }

            switch (Operands[code])
            {
                case OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod or OperandType.InlineField:
                    AddToken(user, MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                case OperandType.InlineSwitch:
                    il.Offset += 4 * il.ReadInt32();
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.InlineSig or OperandType.InlineString or OperandType.ShortInlineR:
                    il.Offset += 4;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
            }
        }
    }

    private void AddToken(string user, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition or HandleKind.TypeReference or HandleKind.TypeSpecification:
                AddType(user, handle);
                break;
            case HandleKind.MethodDefinition:
                Add(user, Name(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()));
                break;
            case HandleKind.FieldDefinition:
                Add(user, Name(md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()));
                break;
            case HandleKind.MemberReference:
                EntityHandle parent = md.GetMemberReference((MemberReferenceHandle)handle).Parent;
                if (parent.Kind is HandleKind.TypeDefinition or HandleKind.TypeReference or HandleKind.TypeSpecification)
                {
                    AddType(user, parent);
                }

                break;
            case HandleKind.MethodSpecification:
                MethodSpecification specification = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                AddToken(user, specification.Method);
                foreach (ImmutableArray<string> argument in specification.DecodeSignature(new NameProvider(this), null))
                {
                    AddAll(user, argument);
                }

                break;
        }
    }

    private void AddType(string user, EntityHandle type) => AddAll(user, new NameProvider(this).Of(type));

    private void AddAll(string user, ImmutableArray<string> types)
    {
        foreach (string type in types)
        {
            Add(user, type);
        }
    }

    private void Add(string user, string type)
    {
        if (user != type)
        {
            (edges.TryGetValue(user, out HashSet<string>? set) ? set : edges[user] = []).Add(type);
        }
    }

    private string Name(TypeDefinitionHandle handle)
    {
        TypeDefinition type = md.GetTypeDefinition(handle);
        string name = md.GetString(type.Name);
        return type.GetDeclaringType() is { IsNil: false } outer ? $"{Name(outer)}+{name}" : $"{md.GetString(type.Namespace)}.{name}";
    }

    private string Name(TypeReferenceHandle handle)
    {
        TypeReference type = md.GetTypeReference(handle);
        string name = md.GetString(type.Name);
        return type.ResolutionScope.Kind switch
        {
            HandleKind.TypeReference => $"{Name((TypeReferenceHandle)type.ResolutionScope)}+{name}",
            HandleKind.AssemblyReference => $"[{md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name)}]{md.GetString(type.Namespace)}.{name}",
            _ => $"{md.GetString(type.Namespace)}.{name}",
        };
    }

    /// <summary>Names every type a signature mentions (generic arguments included).</summary>
    private sealed class NameProvider(TypeDependencies owner) : ISignatureTypeProvider<ImmutableArray<string>, object?>
    {
        public ImmutableArray<string> Of(EntityHandle handle) => handle.Kind switch
        {
            HandleKind.TypeDefinition => GetTypeFromDefinition(owner.md, (TypeDefinitionHandle)handle, 0),
            HandleKind.TypeReference => GetTypeFromReference(owner.md, (TypeReferenceHandle)handle, 0),
            HandleKind.TypeSpecification => owner.md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null),
            _ => [],
        };

        public ImmutableArray<string> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => [owner.Name(handle)];

        public ImmutableArray<string> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => [owner.Name(handle)];

        public ImmutableArray<string> GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, context);

        public ImmutableArray<string> GetGenericInstantiation(ImmutableArray<string> genericType, ImmutableArray<ImmutableArray<string>> typeArguments) =>
            genericType.AddRange(typeArguments.SelectMany(a => a));

        public ImmutableArray<string> GetArrayType(ImmutableArray<string> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<string> GetByReferenceType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetPointerType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetSZArrayType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetPinnedType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetFunctionPointerType(MethodSignature<ImmutableArray<string>> signature) =>
            signature.ReturnType.AddRange(signature.ParameterTypes.SelectMany(p => p));

        public ImmutableArray<string> GetModifiedType(ImmutableArray<string> modifier, ImmutableArray<string> unmodifiedType, bool isRequired) => unmodifiedType;

        public ImmutableArray<string> GetGenericMethodParameter(object? context, int index) => [];

        public ImmutableArray<string> GetGenericTypeParameter(object? context, int index) => [];

        public ImmutableArray<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];
    }
}
