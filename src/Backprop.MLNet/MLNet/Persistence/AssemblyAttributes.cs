using Backprop.MLNet;
using Backprop.MLNet.MLNet.Persistence;

// Lets the runtime honour ML.NET's internal LoadableClassAttribute, which the weaver adds to this assembly after
// compilation; without this the runtime drops that attribute and mlContext.Model.Load cannot find our loader.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]

// Read by the weaver (src/Backprop.MLNet.Weaver), which adds
// [assembly: LoadableClass(typeof(BackpropMlpPredictionTransformer), null, typeof(SignatureLoadModel), name, name)].
[assembly: RegisterModelLoader(typeof(BackpropMlpPredictionTransformer), TransformerFormat.LoaderSignature)]

namespace System.Runtime.CompilerServices
{
    /// <summary>Honoured by the .NET runtime (not the compiler): lets this assembly use internals of the named one.</summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
    {
        /// <summary>The assembly whose internals may be used.</summary>
        public string AssemblyName { get; } = assemblyName;
    }
}

namespace Backprop.MLNet.MLNet.Persistence
{
    /// <summary>Marks a type whose static <c>Create(IHostEnvironment, object)</c> loads it from an ML.NET model file.</summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class RegisterModelLoaderAttribute(Type loaderType, string loadName) : Attribute
    {
        /// <summary>The type ML.NET instantiates.</summary>
        public Type LoaderType { get; } = loaderType;

        /// <summary>The loader signature written into model files (1–24 ASCII characters).</summary>
        public string LoadName { get; } = loadName;
    }
}
