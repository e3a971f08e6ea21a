using Backprop.MLNet;
using Backprop.MLNet.Integration.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;

// The package compiles against copies of these two assemblies with every member public (see the Publicizer project);
// at run time the real ones are loaded and this attribute makes the runtime accept our use of their internals:
// implementing IValueMapper, ISingleCanSaveOnnx, ..., calling BinaryPredictionTransformer's constructor, and honouring
// the LoadableClass attributes below (without it the runtime drops them silently; a test guards this).
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]

// mlContext.Model.Load finds loaders through these: ML.NET reads the loader assembly's name and the loader signature
// from each model entry's header, loads this assembly and looks the signature up here.
[assembly: LoadableClass(typeof(BackpropMlpModelParameters), null, typeof(SignatureLoadModel),
    "BackpropMlp model parameters", ModelParametersFormat.LoaderSignature)]

// Files written by version 1 hold our own transformer entry; it now loads as ML.NET's BinaryPredictionTransformer.
[assembly: LoadableClass(typeof(BinaryPredictionTransformer<BackpropMlpModelParameters>), typeof(FormatV1TransformerLoader), null, typeof(SignatureLoadModel),
    "BackpropMlp transformer (format 1)", FormatV1TransformerLoader.LoaderSignature)]

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
