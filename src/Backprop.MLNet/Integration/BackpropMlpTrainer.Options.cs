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

        /// <summary>
        /// Most memory, in megabytes, the training rows may take when Fit copies them into memory (4 bytes a feature for
        /// dense rows, 8 a non-zero for sparse ones, plus label and weight). When the copy would be larger, Fit streams
        /// instead: every epoch reads the IDataView again, in mini-batches, with the same results' quality but more time.
        /// Default null: a quarter of the memory this process may use (<c>GC.GetGCMemoryInfo().TotalAvailableMemoryBytes</c>,
        /// which container and heap limits lower). 0 always streams.
        /// </summary>
        public int? InMemoryDataLimitMegabytes { get; set; }
    }
}
