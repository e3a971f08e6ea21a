using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Backprop.MLNet;

/// <summary>
/// Wraps a model in ML.NET's <see cref="BinaryPredictionTransformer{TModel}"/> (whose constructor is internal to ML.NET),
/// as <c>Fit</c> does: for weights built by hand, benchmarks and tests.
/// </summary>
internal static class BackpropMlpTransformerFactory
{
    /// <summary>The transformer ML.NET's binary trainers return, scoring <paramref name="featureColumn"/> of <paramref name="trainSchema"/>.</summary>
    public static BinaryPredictionTransformer<BackpropMlpModelParameters> Create(IHostEnvironment environment, BackpropMlpModelParameters model, DataViewSchema trainSchema, string featureColumn)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trainSchema);
        return new BinaryPredictionTransformer<BackpropMlpModelParameters>(environment, model, trainSchema, featureColumn);
    }
}
