using System.Reflection;

namespace Backprop.MLNet.Tests.Training;

/// <summary>Variations of one set of training options, as the tests need them.</summary>
internal static class OptionsCopies
{
    /// <summary>A copy of <paramref name="options"/> (every settable property and the hidden layers) with <paramref name="edit"/> applied.</summary>
    public static MlpTrainingOptions With(this MlpTrainingOptions options, Action<MlpTrainingOptions> edit)
    {
        var copy = new MlpTrainingOptions();
        foreach (PropertyInfo property in typeof(MlpTrainingOptions).GetProperties().Where(p => p.CanWrite))
        {
            property.SetValue(copy, property.GetValue(options));
        }

        if (!options.HiddenLayers.HoldsDefaults)
        {
            copy.HiddenLayers.Clear();
            foreach (MlpLayer layer in options.HiddenLayers)
            {
                copy.HiddenLayers.Add(layer);
            }
        }

        edit(copy);
        return copy;
    }
}
