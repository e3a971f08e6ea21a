using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Backprop.MLNet.MLNet.Internals;

/// <summary>
/// The one place that reaches ML.NET members that are internal in Microsoft.ML 5.0.x but that every
/// trainer needs (a catalog's environment, <c>TrainerInfo</c>, <c>SchemaShape.Column</c>, channel
/// messages, cancellation). Each member is looked up once; a missing one fails with a message that
/// names it and the supported versions.
/// </summary>
internal static class MlNetInternals
{
    /// <summary>The Microsoft.ML versions these look-ups were written and tested against.</summary>
    public const string SupportedVersions = "Microsoft.ML 5.0.x (tested with 5.0.1)";

    private const BindingFlags AnyInstance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly Assembly CoreAssembly = typeof(IHostEnvironment).Assembly;
    private static readonly Assembly DataAssembly = typeof(MLContext).Assembly;

    private static readonly Lazy<PropertyInfo> CatalogEnvironment = new(() =>
        Property(Type(DataAssembly, "Microsoft.ML.Data.IInternalCatalog"), "Environment"));

    private static readonly Lazy<ConstructorInfo> TrainerInfoConstructor = new(() =>
        Constructor(typeof(TrainerInfo), typeof(bool), typeof(bool), typeof(bool), typeof(bool), typeof(bool), typeof(bool)));

    private static readonly Lazy<ConstructorInfo> SchemaColumnConstructor = new(() =>
        Constructor(typeof(SchemaShape.Column), typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(Microsoft.ML.Data.DataViewType), typeof(bool), typeof(SchemaShape)));

    private static readonly Lazy<ConstructorInfo> ChannelMessageConstructor = new(() =>
        Constructor(typeof(ChannelMessage), typeof(ChannelMessageKind), typeof(MessageSensitivity), typeof(string)));

    private static readonly Lazy<PropertyInfo> IsCanceledProperty = new(() =>
        Property(Type(CoreAssembly, "Microsoft.ML.Runtime.ICancelable"), "IsCanceled"));

    /// <summary>The environment (the MLContext's) behind a catalog object.</summary>
    public static IHostEnvironment EnvironmentOf(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return (IHostEnvironment)(Invoke(() => CatalogEnvironment.Value.GetValue(catalog)) ?? throw Missing("IInternalCatalog.Environment returned null"));
    }

    /// <summary>A <see cref="TrainerInfo"/> (its constructor is internal).</summary>
    public static TrainerInfo CreateTrainerInfo(bool normalization, bool calibration, bool caching, bool supportValid, bool supportIncrementalTrain, bool supportTest) =>
        (TrainerInfo)Invoke(() => TrainerInfoConstructor.Value.Invoke([normalization, calibration, caching, supportValid, supportIncrementalTrain, supportTest]));

    /// <summary>A <see cref="SchemaShape.Column"/> (its constructor is internal).</summary>
    public static SchemaShape.Column CreateSchemaColumn(string name, SchemaShape.Column.VectorKind kind, Microsoft.ML.Data.DataViewType itemType, bool isKey, SchemaShape? annotations = null) =>
        (SchemaShape.Column)Invoke(() => SchemaColumnConstructor.Value.Invoke([name, kind, itemType, isKey, annotations]));

    /// <summary>Sends a message through a channel, so that it reaches <c>MLContext.Log</c>.</summary>
    public static void Send(IChannel channel, ChannelMessageKind kind, string message) =>
        channel.Send((ChannelMessage)Invoke(() => ChannelMessageConstructor.Value.Invoke([kind, MessageSensitivity.None, message])));

    /// <summary>Whether <c>MLContext.CancelExecution()</c> was called on this environment.</summary>
    public static bool IsCanceled(IHostEnvironment environment)
    {
        Type cancelable = IsCanceledProperty.Value.DeclaringType!;
        return cancelable.IsInstanceOfType(environment) && (bool)Invoke(() => IsCanceledProperty.Value.GetValue(environment))!;
    }

    /// <summary>Finds a type by full name or fails naming it.</summary>
    internal static Type Type(Assembly assembly, string fullName) =>
        assembly.GetType(fullName, throwOnError: false) ?? throw Missing($"type {fullName} in {assembly.GetName().Name}");

    /// <summary>Finds an instance property (including explicit interface implementations) or fails naming it.</summary>
    internal static PropertyInfo Property(Type type, string name) =>
        type.GetProperty(name, AnyInstance) ?? throw Missing($"property {type.FullName}.{name}");

    /// <summary>Finds an instance field or fails naming it.</summary>
    internal static FieldInfo Field(Type type, string name) =>
        type.GetField(name, AnyInstance) ?? throw Missing($"field {type.FullName}.{name}");

    /// <summary>Finds an instance method with exactly these parameter types or fails naming it.</summary>
    internal static MethodInfo Method(Type type, string name, params Type[] parameters) =>
        type.GetMethod(name, AnyInstance, binder: null, parameters, modifiers: null)
        ?? throw Missing($"method {type.FullName}.{name}({string.Join(", ", parameters.Select(p => p.Name))})");

    /// <summary>Finds an instance constructor with exactly these parameter types or fails naming it.</summary>
    internal static ConstructorInfo Constructor(Type type, params Type[] parameters) =>
        type.GetConstructor(AnyInstance, binder: null, parameters, modifiers: null)
        ?? throw Missing($"constructor {type.FullName}({string.Join(", ", parameters.Select(p => p.Name))})");

    /// <summary>Runs a reflective call, unwrapping the exception it threw.</summary>
    internal static T Invoke<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw; // unreachable
        }
    }

    /// <summary>The error for an internal member that this version of Microsoft.ML does not have.</summary>
    internal static MissingMemberException Missing(string what) => new(
        $"Backprop.MLNet needs the ML.NET internal {what}, which the loaded {DataAssembly.GetName().Name} " +
        $"{DataAssembly.GetName().Version} does not have. Backprop.MLNet supports {SupportedVersions}.");
}
