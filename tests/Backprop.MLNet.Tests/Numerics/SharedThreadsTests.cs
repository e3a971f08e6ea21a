using Backprop.MLNet.Numerics;
using Backprop.MLNet.Tests.Training;
using Backprop.MLNet.Training;

namespace Backprop.MLNet.Tests.Numerics;

/// <summary>No other test runs while these do: they must see the shared workers free, so that the shared path really runs.</summary>
[CollectionDefinition(nameof(SharedThreadsCollection), DisableParallelization = true)]
public sealed class SharedThreadsCollection;

/// <summary>
/// Products shared among threads give the same bits as on one thread, in the kernel and in whole training runs. Each
/// test checks that sharing happened (<see cref="GemmThreading.SharedProducts"/>), so none passes by running alone, even
/// on a one-core machine (there the caller takes back the worker's slices); one makes the workers compute their slices.
/// </summary>
[Collection(nameof(SharedThreadsCollection))]
public class SharedThreadsTests
{
    [Theory]
    [MemberData(nameof(GemmTests.AllCases), MemberType = typeof(GemmTests))]
    public void OneAndTwoThreadsGiveIdenticalBits(bool transposeA, bool transposeB, bool accumulate)
    {
        (Transpose transA, Transpose transB) = (transposeA ? Transpose.Yes : Transpose.No, transposeB ? Transpose.Yes : Transpose.No);
        // Large enough to be shared among threads; odd sizes leave edge tiles in every slice, and k = 600 makes three k blocks.
        (int M, int N, int K)[] shapes = [(256, 128, 100), (100, 128, 256), (301, 77, 600), (61, 350, 130), (13, 900, 100)];
        var random = new Random(11);
        foreach ((int m, int n, int k) in shapes)
        {
            var problem = GemmTests.Problem.Random(random, transA, transB, m, n, k, padding: 3);
            float[] one = problem.RunFloat(accumulate, maxThreads: 1);
            long shared = GemmThreading.SharedProducts;
            float[] two = problem.RunFloat(accumulate, maxThreads: 2);
            Assert.True(GemmThreading.SharedProducts > shared, $"{m}×{n}×{k} was not shared");
            float[] many = problem.RunFloat(accumulate, maxThreads: 16);
            Assert.Equal(one, two);
            Assert.Equal(one, many);
        }
    }

    [Fact]
    public void ThreadCountDoesNotChangeTheWeights()
    {
        var data = SyntheticData.LinearlySeparable(1000, 64, seed: 3);
        MlpTrainingOptions Options(int threads) => new()
        {
            HiddenLayers = { new MlpLayer(128, MlpActivation.Tanh), new MlpLayer(64, MlpActivation.Sigmoid) }, BatchSize = 256, NumberOfEpochs = 2, NumberOfThreads = threads,
        };
        float[] one = NetworkTrainer.Train(data, null, null, Options(1)).Network.Values;
        long shared = GemmThreading.SharedProducts;
        float[] two = NetworkTrainer.Train(data, null, null, Options(2)).Network.Values;
        Assert.True(GemmThreading.SharedProducts > shared, "training with two threads shared no product");
        Assert.Equal(one, two);
    }

    [Fact]
    public void TheWorkersComputeTheirSlicesRight()
    {
        // The caller usually takes back slices a worker has not started, so on a busy machine the tests above may
        // never see a worker compute: here the caller must wait for them, so their path runs and is checked.
        GemmThreading.WorkersMustRun = true;
        try
        {
            var random = new Random(12);
            foreach ((Transpose transA, Transpose transB) in new[] { (Transpose.No, Transpose.No), (Transpose.Yes, Transpose.No), (Transpose.No, Transpose.Yes) })
            {
                var problem = GemmTests.Problem.Random(random, transA, transB, 301, 77, 600, padding: 3);
                float[] one = problem.RunFloat(accumulate: false, maxThreads: 1);
                long byWorkers = GemmThreading.WorkerSlices;
                float[] two = problem.RunFloat(accumulate: false, maxThreads: 2);
                Assert.True(GemmThreading.WorkerSlices > byWorkers, $"{transA}/{transB}: no worker computed a slice");
                Assert.Equal(one, two);
            }
        }
        finally
        {
            GemmThreading.WorkersMustRun = false;
        }
    }
}
