using Backprop.MLNet.Integration.Persistence;
using Backprop.MLNet.Network;
using Microsoft.ML;
using static Backprop.MLNet.Tests.Persistence.PayloadFiles;

namespace Backprop.MLNet.Tests.Persistence;

/// <summary>
/// One set of limits for training, saving and loading (<see cref="NetworkLimits"/>), a writer that checks before it
/// writes, and a reader that holds one copy of the weights.
/// </summary>
public class PayloadLimitsTests
{
    [Fact]
    public void TheLargestNetworkWithTheLongestHistoryFitsThePayloadsLengthField()
    {
        Assert.True(NetworkLimits.MaxPayloadBodyBytes <= int.MaxValue, $"{NetworkLimits.MaxPayloadBodyBytes} bytes");
        Assert.True(4L * NetworkLimits.MaxParameters <= int.MaxValue);
        Assert.True(NetworkLimits.MaxParameters <= Array.MaxLength);
    }

    [Fact]
    public void CheckTrainableAcceptsEveryShapeUpToTheLimitAndNamesTheOptionBeyondIt()
    {
        NetworkLimits.CheckTrainable(9, [1 << 24]); // the 9 → 2^24 network of the issue (184,549,377 parameters)
        NetworkLimits.CheckTrainable(NetworkLimits.MaxParameters - 3, [1]); // (d + 2)·1 + 1 = 2^28 parameters exactly

        var oneTooMany = Assert.Throws<ArgumentOutOfRangeException>(() => NetworkLimits.CheckTrainable(NetworkLimits.MaxParameters - 2, [1]));
        Assert.Equal("HiddenLayers", oneTooMany.ParamName);
        Assert.Contains("has 268435457 parameters, more than the 268435456", oneTooMany.Message);
        Assert.Contains("Use fewer or smaller hidden layers, or fewer features", oneTooMany.Message);

        // The network of the issue that trained but could not be saved: 2^24 inputs → 33 → 1.
        var wide = Assert.Throws<ArgumentOutOfRangeException>(() => NetworkLimits.CheckTrainable(1 << 24, [33]));
        Assert.Equal("HiddenLayers", wide.ParamName);
        Assert.Contains("has 553648195 parameters", wide.Message);

        var features = Assert.Throws<ArgumentOutOfRangeException>(() => NetworkLimits.CheckTrainable(1 << 29, [1]));
        Assert.Equal("FeatureColumnName", features.ParamName);
        Assert.Equal("HiddenLayers", Assert.Throws<ArgumentOutOfRangeException>(() => NetworkLimits.CheckTrainable(9, [(1 << 24) + 1])).ParamName);
        Assert.Equal("HiddenLayers", Assert.Throws<ArgumentOutOfRangeException>(() => NetworkLimits.CheckTrainable(9, new int[NetworkLimits.MaxHiddenLayers + 1])).ParamName);
    }

    [Fact]
    public void ParameterLayoutSaysWhatIsWrongWithoutTrainingAdvice()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ParameterLayout(1 << 24, [33]));
        Assert.Contains("has 553648195 parameters, more than the 268435456", e.Message);
        Assert.DoesNotContain("Use fewer", e.Message);
        Assert.Equal(NetworkLimits.MaxParameters, new ParameterLayout(NetworkLimits.MaxParameters - 3, [1]).Count);
    }

    [Fact]
    public void SaveRefusesAModelItCouldNotLoadBeforeWritingAnything()
    {
        var layout = new ParameterLayout(3, [2]);
        float[] values = Enumerable.Range(0, layout.Count).Select(i => i * 0.1f).ToArray();
        values[4] = float.NaN;
        var nan = new BackpropMlpModelParameters(new NetworkParameters<float>(layout, [MlpActivation.Tanh], values), [], 0);
        AssertNothingWritten(nan, "parameter 4 is NaN; only finite weights can be saved");

        var finite = new NetworkParameters<float>(layout, [MlpActivation.Tanh], new float[layout.Count]);
        AssertNothingWritten(new BackpropMlpModelParameters(finite, [new MlpEpochRecord(1, 0.5, null)], bestEpoch: 2), "its kept epoch 2 is not between 0 and its 1 epochs");

        static void AssertNothingWritten(BackpropMlpModelParameters model, string expected)
        {
            var stream = new MemoryStream();
            using var writer = new BinaryWriter(stream);
            var e = Assert.Throws<InvalidOperationException>(() => ModelPayload.Write(writer, model));
            Assert.Contains("cannot be saved", e.Message);
            Assert.Contains(expected, e.Message);
            Assert.Equal(0, stream.Length);
        }
    }

    /// <summary>
    /// A 9 → 2^16 → 1 network (720,897 weights, a 2.9 MB payload) loads with one copy of its weights: our reader allocates
    /// the float array and a few kilobytes, the whole Model.Load little more, and the MathNet layers wait until asked for.
    /// </summary>
    [Fact]
    public void ALargeModelLoadsWithOneCopyOfItsWeights()
    {
        var layout = new ParameterLayout(9, [1 << 16]);
        var random = new Random(5);
        float[] values = Enumerable.Range(0, layout.Count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var model = new BackpropMlpModelParameters(
            new NetworkParameters<float>(layout, [MlpActivation.Relu], values),
            [new MlpEpochRecord(1, 0.7, null), new MlpEpochRecord(2, 0.6, 0.65)], bestEpoch: 2);
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            ModelPayload.Write(writer, model);
        }

        byte[] payload = stream.ToArray();
        Assert.Equal(16 + 4 + 4 + 8 + 4 + (4 * layout.Count) + 4 + (2 * 21) + 4, payload.Length);

        var input = new MemoryStream(payload);
        long before = GC.GetAllocatedBytesForCurrentThread();
        BackpropMlpModelParameters read = ModelPayload.Read(input, payload.Length, exact: true, ModelPayload.CurrentFormatVersion).Model;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= payload.Length + CraftedModelFileTests.ReaderSlack, $"The reader allocated {allocated} bytes for a payload of {payload.Length}.");
        Assert.Equal(values, read.Network.Values);
        Assert.Equal(model.History, read.History);

        // Through ML.NET: the breast-cancer pipeline (9 features) with this model in place of its own.
        using var temp = new SavedModels.TempFolder();
        (MLContext ml, IDataView data, _) = SavedModels.TrainAndSave(temp.File("model.zip"));
        File.WriteAllBytes(temp.File("large.zip"), WithModelBlock(File.ReadAllBytes(temp.File("model.zip")), ModelLoader, payload));
        var fresh = new MLContext();
        fresh.Model.LoadWithDiagnostics(temp.File("model.zip"), out _); // warm up ML.NET's catalog
        before = GC.GetAllocatedBytesForCurrentThread();
        ITransformer loaded = fresh.Model.LoadWithDiagnostics(temp.File("large.zip"), out _);
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= payload.Length + CraftedModelFileTests.LoadSlack, $"Loading allocated {allocated} bytes for a payload of {payload.Length}.");

        var last = (Microsoft.ML.Data.BinaryPredictionTransformer<BackpropMlpModelParameters>)((Microsoft.ML.Data.TransformerChain<ITransformer>)loaded).LastTransformer;
        Assert.Equal(values, last.Model.Network.Values);
        float[] features = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f];
        Assert.Equal(model.PredictLogit(features), last.Model.PredictLogit(features));
        Assert.NotEmpty(SavedModels.Predictions(loaded, data));

        // The MathNet copy is built on first access, from the same weights.
        Assert.Equal(model.HiddenLayers[0].Weights, last.Model.HiddenLayers[0].Weights);
        Assert.Equal(values[9 * (1 << 16)], last.Model.HiddenLayers[0].Bias[0]);
    }

    [Fact]
    public void HiddenLayersAreBuiltOnceWhenThreadsRaceForThem()
    {
        var layout = new ParameterLayout(64, [256, 32]);
        var model = new BackpropMlpModelParameters(
            new NetworkParameters<float>(layout, [MlpActivation.Tanh, MlpActivation.Sigmoid], Enumerable.Range(0, layout.Count).Select(i => (i % 13) * 0.01f).ToArray()), [], 0);
        using var start = new Barrier(8);
        var seen = new MlpLayerWeights[8][];
        Thread[] threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            seen[t] = [.. model.HiddenLayers];
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.All(seen, layers => Assert.Same(seen[0][0], layers[0]));
        Assert.All(seen, layers => Assert.Same(seen[0][1], layers[1]));
        Assert.Equal("BackpropMlp 64→256 Tanh→32 Sigmoid→1 sigmoid", model.ToString());
    }
}
