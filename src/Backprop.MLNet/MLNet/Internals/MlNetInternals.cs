using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Backprop.MLNet.MLNet.Internals;

/// <summary>
/// The one place that reaches ML.NET members that are internal in Microsoft.ML 5.0.x but that a trainer
/// needs: a catalog's environment, <c>TrainerInfo</c>, <c>SchemaShape.Column</c>, channel messages,
/// cancellation, and the model-file save and load contexts. All members are looked up together, once,
/// the first time any is needed (at the latest when a trainer is created, so a save can never fail
/// half-way for want of one); a missing member fails with a message naming it and the supported versions.
/// </summary>
internal static class MlNetInternals
{
    /// <summary>The Microsoft.ML versions these look-ups were written and tested against.</summary>
    public const string SupportedVersions = "Microsoft.ML 5.0.x (tested with 5.0.1)";

    private const BindingFlags AnyInstance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly Lazy<Members> Resolved = new(Resolve);

    /// <summary>Looks every member up now, failing with a clear message if one is missing.</summary>
    public static void EnsureAvailable() => _ = Resolved.Value;

    /// <summary>The environment (the MLContext's) behind a catalog object.</summary>
    public static IHostEnvironment EnvironmentOf(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return (IHostEnvironment)(Invoke(() => Resolved.Value.CatalogEnvironment.GetValue(catalog)) ?? throw Missing("a non-null IInternalCatalog.Environment"));
    }

    /// <summary>A <see cref="TrainerInfo"/> (its constructor is internal).</summary>
    public static TrainerInfo CreateTrainerInfo(bool normalization, bool calibration, bool caching, bool supportValid, bool supportIncrementalTrain, bool supportTest) =>
        (TrainerInfo)Invoke(() => Resolved.Value.TrainerInfoConstructor.Invoke([normalization, calibration, caching, supportValid, supportIncrementalTrain, supportTest]))!;

    /// <summary>A <see cref="SchemaShape.Column"/> (its constructor is internal).</summary>
    public static SchemaShape.Column CreateSchemaColumn(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool isKey, SchemaShape? annotations = null) =>
        (SchemaShape.Column)Invoke(() => Resolved.Value.SchemaColumnConstructor.Invoke([name, kind, itemType, isKey, annotations]))!;

    /// <summary>Sends a message through a channel, so that it reaches <c>MLContext.Log</c>.</summary>
    public static void Send(IChannel channel, ChannelMessageKind kind, string message) =>
        channel.Send((ChannelMessage)Invoke(() => Resolved.Value.ChannelMessageConstructor.Invoke([kind, MessageSensitivity.None, message]))!);

    /// <summary>Whether ML.NET's (internal) <c>MLContext.CancelExecution()</c> was called on this environment.</summary>
    public static bool IsCanceled(IHostEnvironment environment)
    {
        PropertyInfo isCanceled = Resolved.Value.IsCanceled;
        return isCanceled.DeclaringType!.IsInstanceOfType(environment) && (bool)Invoke(() => isCanceled.GetValue(environment))!;
    }

    /// <summary>
    /// Starts writing a model: checks the context, records the version header (model signature, versions,
    /// loader assembly and signature) and returns the writer of our payload. ML.NET finishes the entry itself.
    /// </summary>
    public static BinaryWriter BeginSave(ModelSaveContext ctx, ModelFormatVersion version, Type loaderType)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        Members m = Resolved.Value;
        object versionInfo = NewVersionInfo(m, version, loaderType);
        Invoke(() => m.SaveCheckAtModel.Invoke(ctx, null));
        Invoke(() => m.SaveSetVersionInfo.Invoke(ctx, [versionInfo]));
        return (BinaryWriter)m.SaveWriter.GetValue(ctx)!;
    }

    /// <summary>Starts reading a model: validates ML.NET's header against <paramref name="version"/> and returns the payload reader.</summary>
    /// <param name="ctx">ML.NET's (internal) ModelLoadContext, passed to the loader as <see cref="object"/>.</param>
    /// <param name="version">The header the saver wrote.</param>
    /// <param name="loaderType">The loading type (its assembly's simple name is in the header).</param>
    public static BinaryReader BeginLoad(object ctx, ModelFormatVersion version, Type loaderType)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        Members m = Resolved.Value;
        if (!m.LoadContextType.IsInstanceOfType(ctx))
        {
            throw new ArgumentException($"Expected ML.NET's {m.LoadContextType.FullName}, got {ctx.GetType().FullName}.", nameof(ctx));
        }

        object versionInfo = NewVersionInfo(m, version, loaderType);
        Invoke(() => m.LoadCheckAtModel.Invoke(ctx, [versionInfo]));
        return (BinaryReader)m.LoadReader.GetValue(ctx)!;
    }

    private static object NewVersionInfo(Members m, ModelFormatVersion v, Type loaderType) =>
        Invoke(() => m.VersionInfoConstructor.Invoke([v.ModelSignature, v.WrittenVersion, v.ReadableVersion, v.OldestReadableVersion,
            // The simple name: ML.NET Assembly.Load()s it, so any later version of this package can load the file.
            loaderType.Assembly.GetName().Name, v.LoaderSignature, null]))!;

    private static Members Resolve()
    {
        Assembly core = typeof(IHostEnvironment).Assembly;
        Assembly data = typeof(MLContext).Assembly;
        Type versionInfo = Type(core, "Microsoft.ML.VersionInfo");
        Type loadContext = Type(core, "Microsoft.ML.ModelLoadContext");
        Type save = typeof(ModelSaveContext);
        return new Members
        {
            CatalogEnvironment = Property(Type(data, "Microsoft.ML.Data.IInternalCatalog"), "Environment"),
            TrainerInfoConstructor = Constructor(typeof(TrainerInfo), typeof(bool), typeof(bool), typeof(bool), typeof(bool), typeof(bool), typeof(bool)),
            SchemaColumnConstructor = Constructor(typeof(SchemaShape.Column), typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape)),
            ChannelMessageConstructor = Constructor(typeof(ChannelMessage), typeof(ChannelMessageKind), typeof(MessageSensitivity), typeof(string)),
            IsCanceled = Property(Type(core, "Microsoft.ML.Runtime.ICancelable"), "IsCanceled"),
            VersionInfoConstructor = Constructor(versionInfo, typeof(string), typeof(uint), typeof(uint), typeof(uint), typeof(string), typeof(string), typeof(string)),
            SaveCheckAtModel = Method(save, "CheckAtModel"),
            SaveSetVersionInfo = Method(save, "SetVersionInfo", versionInfo),
            SaveWriter = Field(save, "Writer", typeof(BinaryWriter)),
            LoadContextType = loadContext,
            LoadCheckAtModel = Method(loadContext, "CheckAtModel", versionInfo),
            LoadReader = Field(loadContext, "Reader", typeof(BinaryReader)),
        };
    }

    private static Type Type(Assembly assembly, string fullName) =>
        assembly.GetType(fullName, throwOnError: false) ?? throw Missing($"type {fullName} in {assembly.GetName().Name}");

    private static PropertyInfo Property(Type type, string name) =>
        type.GetProperty(name, AnyInstance) ?? throw Missing($"property {type.FullName}.{name}");

    private static FieldInfo Field(Type type, string name, Type fieldType) =>
        type.GetField(name, AnyInstance) is { } f && f.FieldType == fieldType ? f : throw Missing($"field {type.FullName}.{name} ({fieldType.Name})");

    private static MethodInfo Method(Type type, string name, params Type[] parameters) =>
        type.GetMethod(name, AnyInstance, binder: null, parameters, modifiers: null)
        ?? throw Missing($"method {type.FullName}.{name}({string.Join(", ", parameters.Select(p => p.Name))})");

    private static ConstructorInfo Constructor(Type type, params Type[] parameters) =>
        type.GetConstructor(AnyInstance, binder: null, parameters, modifiers: null)
        ?? throw Missing($"constructor {type.FullName}({string.Join(", ", parameters.Select(p => p.Name))})");

    /// <summary>Runs a reflective call and rethrows what the member threw, not a TargetInvocationException.</summary>
    private static object? Invoke(Func<object?> call)
    {
        try
        {
            return call();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw; // unreachable
        }
    }

    private static MissingMemberException Missing(string what)
    {
        AssemblyName ml = typeof(MLContext).Assembly.GetName();
        return new MissingMemberException(
            $"Backprop.MLNet needs the ML.NET internal {what}, which the loaded {ml.Name} {ml.Version} does not have. " +
            $"Backprop.MLNet supports {SupportedVersions}.");
    }

    /// <summary>Every internal member, resolved together.</summary>
    private sealed class Members
    {
        public required PropertyInfo CatalogEnvironment { get; init; }

        public required ConstructorInfo TrainerInfoConstructor { get; init; }

        public required ConstructorInfo SchemaColumnConstructor { get; init; }

        public required ConstructorInfo ChannelMessageConstructor { get; init; }

        public required PropertyInfo IsCanceled { get; init; }

        public required ConstructorInfo VersionInfoConstructor { get; init; }

        public required MethodInfo SaveCheckAtModel { get; init; }

        public required MethodInfo SaveSetVersionInfo { get; init; }

        public required FieldInfo SaveWriter { get; init; }

        public required Type LoadContextType { get; init; }

        public required MethodInfo LoadCheckAtModel { get; init; }

        public required FieldInfo LoadReader { get; init; }
    }
}
