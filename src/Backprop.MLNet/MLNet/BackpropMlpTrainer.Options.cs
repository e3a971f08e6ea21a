namespace Backprop.MLNet;

public sealed partial class BackpropMlpTrainer
{
    /// <summary>
    /// Options of <see cref="BackpropMlpTrainer"/>: the columns it reads, plus the network's shape and training
    /// (<see cref="MlpTrainingOptions"/>). Every property has a documented default.
    /// </summary>
    public sealed class Options : MlpTrainingOptions
    {
        /// <summary>Boolean label column. Default "Label".</summary>
        public string LabelColumnName { get; set; } = "Label";

        /// <summary>Known-size <c>Vector&lt;Single&gt;</c> feature column, dense or sparse. Default "Features".</summary>
        public string FeatureColumnName { get; set; } = "Features";

        /// <summary>Optional <c>Single</c> example-weight column sᵢ; the loss becomes <c>Σ sᵢ·BCEᵢ / Σ sᵢ</c>. Default none.</summary>
        public string? ExampleWeightColumnName { get; set; }
    }
}
