using Backprop.MLNet.Integration.Persistence;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Backprop.MLNet;

/// <summary>Saving into and loading from ML.NET model files (<c>mlContext.Model.Save</c>/<c>Load</c>).</summary>
public sealed partial class BackpropMlpModelParameters : ICanSaveModel
{
    /// <summary>Writes the model's entry (called by ML.NET while saving a pipeline).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ModelParametersFormat.Save(ctx, this);

    /// <summary>The loader ML.NET calls for an entry written by <see cref="ICanSaveModel.Save"/> (found through the LoadableClass attribute).</summary>
    private static BackpropMlpModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(env);
        return ModelParametersFormat.Load(ctx);
    }
}
