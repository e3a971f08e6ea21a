using System.Reflection;
using Backprop.MLNet.Integration.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.MLNet;

/// <summary>Every bad input gets ML.NET's exception and wording, naming the problem; nothing is silently dropped.</summary>
public class BadInputTests
{
    public sealed class Row
    {
        public bool Label { get; set; }

        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public float Weight { get; set; } = 1;
    }

    public sealed class DoubleFeatures
    {
        public bool Label { get; set; }

        [VectorType(3)]
        public double[] Features { get; set; } = [];
    }

    public sealed class SingleLabel
    {
        public float Label { get; set; }

        [VectorType(3)]
        public float[] Features { get; set; } = [];
    }

    public sealed class VariableFeatures
    {
        public bool Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    private static Row[] Rows(int n) => Enumerable.Range(0, n).Select(i => new Row { Label = i % 2 == 0, Features = [i, -i, 1] }).ToArray();

    /// <summary>ML.NET's SchemaShape.Create is internal; estimators receive shapes made by it.</summary>
    private static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public, [typeof(DataViewSchema)])!.Invoke(null, [schema])!;

    public static TheoryData<string, string> SchemaCases => new()
    {
        { "missing-feature", "Could not find feature column 'Missing'" },
        { "double-feature", "Schema mismatch for feature column 'Features': expected Vector<Single>, got Vector<Double>. Convert it with mlContext.Transforms.Conversion.ConvertType(\"Features\", outputKind: DataKind.Single)" },
        { "single-label", "Schema mismatch for label column 'Label': expected Boolean, got Single. Convert it with mlContext.Transforms.Conversion.ConvertType(\"Label\", outputKind: DataKind.Boolean)" },
        { "variable-feature", "Schema mismatch for feature column 'Features': expected Vector<Single>, got VarVector<Single>. Its size must be known" },
        { "missing-weight", "Could not find weight column 'Nope'" },
        { "missing-label", "Could not find label column 'Truth'" },
    };

    [Theory]
    [MemberData(nameof(SchemaCases))]
    public void EstimatorAndFitRejectBadColumnsWithMlNetWording(string kind, string message)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = kind switch
        {
            "double-feature" => ml.Data.LoadFromEnumerable(new[] { new DoubleFeatures { Features = [1, 2, 3] } }),
            "single-label" => ml.Data.LoadFromEnumerable(new[] { new SingleLabel { Features = [1, 2, 3] } }),
            "variable-feature" => ml.Data.LoadFromEnumerable(new[] { new VariableFeatures { Features = [1, 2, 3] } }),
            _ => ml.Data.LoadFromEnumerable(Rows(4)),
        };
        var options = new BackpropMlpTrainer.Options
        {
            FeatureColumnName = kind == "missing-feature" ? "Missing" : "Features",
            ExampleWeightColumnName = kind == "missing-weight" ? "Nope" : null,
            LabelColumnName = kind == "missing-label" ? "Truth" : "Label",
        };
        var trainer = ml.BinaryClassification.Trainers.BackpropMlp(options);

        var shapeError = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(ShapeOf(data.Schema)));
        Assert.StartsWith(message, shapeError.Message);
        var fitError = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data));
        Assert.StartsWith(message, fitError.Message);
    }

    [Fact]
    public void WrongWeightTypeIsRejected()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Transforms.Conversion.ConvertType("Weight", "Weight", DataKind.Double).Fit(ml.Data.LoadFromEnumerable(Rows(4))).Transform(ml.Data.LoadFromEnumerable(Rows(4)));
        var trainer = ml.BinaryClassification.Trainers.BackpropMlp(exampleWeightColumnName: "Weight");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data));
        Assert.StartsWith("Schema mismatch for weight column 'Weight': expected Single, got Double", e.Message);
    }

    [Fact]
    public void OutputSchemaAddsTheThreeScoreColumns()
    {
        var ml = new MLContext(seed: 1);
        SchemaShape output = ml.BinaryClassification.Trainers.BackpropMlp().GetOutputSchema(ShapeOf(ml.Data.LoadFromEnumerable(Rows(2)).Schema));
        Assert.Contains(output, c => c.Name == "Score" && c.ItemType == NumberDataViewType.Single);
        Assert.Contains(output, c => c.Name == "Probability" && c.ItemType == NumberDataViewType.Single && c.Annotations.Any(a => a.Name == "IsNormalized"));
        Assert.Contains(output, c => c.Name == "PredictedLabel" && c.ItemType == BooleanDataViewType.Instance);
        Assert.Contains(output, c => c.Name == "Features");
    }

    [Fact]
    public void EmptyDataAndAllMissingRowsGiveClearErrors()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.BinaryClassification.Trainers.BackpropMlp();
        var empty = Assert.Throws<InvalidOperationException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(Array.Empty<Row>())));
        Assert.Contains("training data has no rows", empty.Message);

        Row[] allNaN = Rows(5).Select(r => new Row { Label = r.Label, Features = [float.NaN, 1, 2] }).ToArray();
        var missing = Assert.Throws<InvalidOperationException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(allNaN)));
        Assert.Contains("all 5 rows had a NaN or infinite value in feature column 'Features'", missing.Message);
    }

    [Fact]
    public void RowsWithNaNFeaturesOrBadWeightsAreSkippedAndCounted()
    {
        var ml = new MLContext(seed: 1);
        Row[] rows = Rows(10);
        rows[2].Features[1] = float.NaN;
        rows[4].Weight = float.NaN;
        rows[6].Weight = -1;
        rows[8].Features[0] = float.PositiveInfinity;
        TrainingDataReader.Result read = TrainingDataReader.Read(ml.Data.LoadFromEnumerable(rows), "Label", "Features", "Weight", () => { }, "training");
        Assert.Equal(10, read.RowsRead);
        Assert.Equal(4, read.RowsSkipped);
        Assert.Equal(6, read.Set.Rows);
    }

    [Fact]
    public void InvalidOptionsAreRejectedWhenTheTrainerIsCreated()
    {
        var ml = new MLContext();
        Assert.Equal("NumberOfEpochs", Assert.ThrowsAny<ArgumentException>(() => ml.BinaryClassification.Trainers.BackpropMlp(numberOfEpochs: 0)).ParamName);
        Assert.Equal("LearningRate", Assert.ThrowsAny<ArgumentException>(() => ml.BinaryClassification.Trainers.BackpropMlp(learningRate: -1)).ParamName);
        Assert.Equal("BatchSize", Assert.ThrowsAny<ArgumentException>(() => ml.BinaryClassification.Trainers.BackpropMlp(batchSize: -5)).ParamName);
        Assert.Equal("hiddenLayerSizes", Assert.ThrowsAny<ArgumentException>(() => ml.BinaryClassification.Trainers.BackpropMlp(hiddenLayerSizes: [])).ParamName);
        var noLayers = new BackpropMlpTrainer.Options();
        noLayers.HiddenLayers.Clear();
        Assert.Equal("HiddenLayers", Assert.ThrowsAny<ArgumentException>(() => ml.BinaryClassification.Trainers.BackpropMlp(noLayers)).ParamName);
        Assert.Equal("NumberOfThreads", Assert.ThrowsAny<ArgumentException>(() => ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options { NumberOfThreads = 0 })).ParamName);
    }

    [Fact]
    public void HiddenLayerInitializerReplacesTheDefaults()
    {
        var options = new BackpropMlpTrainer.Options();
        Assert.Equal([32, 16], options.HiddenLayers.Select(l => l.Size));
        options = new BackpropMlpTrainer.Options { HiddenLayers = { new MlpLayer(7, MlpActivation.Relu) } };
        Assert.Equal([7], options.HiddenLayers.Select(l => l.Size));
    }

    [Fact]
    public void AFeatureRowOfTheWrongLengthIsRejectedNotShifted()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options { NumberOfEpochs = 2, Seed = 1 });
        foreach (float[] bad in new[] { new float[] { 1, 2 }, new float[] { 1, 2, 3, 4, 5 } })
        {
            Row[] rows = Rows(10);
            rows[3].Features = bad;
            var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(rows)));
            Assert.Contains($"feature column 'Features' has {bad.Length} values, but the column's type is Vector<Single, 3>", e.Message);
        }

        // Scoring: ML.NET's row-by-row scorer (Transform; ML.NET wraps errors of its parallel readers), the block
        // scorer (TransformInBlocks) and PredictionEngine.
        var model = trainer.Fit(ml.Data.LoadFromEnumerable(Rows(10)));
        Row[] scoredRows = Rows(10);
        scoredRows[5].Features = [1, 2];
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(scoredRows));
        var rowsError = Assert.ThrowsAny<Exception>(() => scored.GetColumn<float>("Score").ToArray());
        Assert.Contains("A feature vector of 2 values reached a BackpropMlp network that expects 3", rowsError.ToString());
        IDataView blocks = model.TransformInBlocks(ml.Data.LoadFromEnumerable(scoredRows));
        var blockError = Assert.Throws<InvalidOperationException>(() => blocks.GetColumn<float>("Score").ToArray());
        Assert.Contains("has 2 values", blockError.Message);
        var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(model);
        var rowError = Assert.Throws<InvalidOperationException>(() => engine.Predict(new Row { Features = [1, 2, 3, 4] }));
        Assert.Contains("A feature vector of 4 values reached a BackpropMlp network that expects 3", rowError.Message);
    }

    [Fact]
    public void LabelErrorsSayHowToFixThemAndTheFixWorks()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options { NumberOfEpochs = 2, Seed = 1 });
        var textRows = Enumerable.Range(0, 20).Select(i => new TextLabel { Label = i % 2 == 0 ? "spam" : "ham", Features = [i, -i, 1] }).ToArray();
        IDataView text = ml.Data.LoadFromEnumerable(textRows);

        var textError = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(text));
        Assert.Contains("expected Boolean, got String", textError.Message);
        Assert.Contains("MapValue(\"Label\"", textError.Message);

        IDataView keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(text).Transform(text);
        var keyError = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(keys));
        Assert.Contains("MapKeyToValue(\"Label\")", keyError.Message);
        Assert.Contains("OneVersusAll", keyError.Message);

        // Following the advice: map the text values to true/false, and the trainer fits.
        var spam = new Dictionary<string, bool> { ["spam"] = true, ["ham"] = false };
        var fixedPipeline = ml.Transforms.Conversion.MapValue("Label", spam.Select(p => new KeyValuePair<string, bool>(p.Key, p.Value)), "Label").Append(trainer);
        Assert.NotNull(fixedPipeline.Fit(text));

        IDataView numbers = ml.Data.LoadFromEnumerable(textRows.Select((r, i) => new SingleLabel { Label = i % 2, Features = r.Features }));
        var numberFix = ml.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.Boolean).Append(trainer);
        Assert.NotNull(numberFix.Fit(numbers));
    }

    public sealed class TextLabel
    {
        public string Label { get; set; } = "";

        [VectorType(3)]
        public float[] Features { get; set; } = [];
    }

    public sealed class Prediction
    {
        public float Score { get; set; }
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)] // streamed
    public void WeightsThatAreAllZeroAreAnError(int? inMemoryLimit)
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options
        {
            ExampleWeightColumnName = "Weight", NumberOfEpochs = 3, Seed = 1, InMemoryDataLimitMegabytes = inMemoryLimit,
        });
        Row[] zero = Rows(10).Select(r => new Row { Label = r.Label, Features = r.Features, Weight = 0 }).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(zero)));
        Assert.Contains("has weight 0 in weight column 'Weight'", e.Message);

        var validation = Assert.Throws<InvalidOperationException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(Rows(10)), ml.Data.LoadFromEnumerable(zero)));
        Assert.Contains("No usable validation rows", validation.Message);
    }

    [Theory]
    [InlineData(1e38f, null)]
    [InlineData(1e-44f, null)]
    [InlineData(1e38f, 0)] // streamed
    [InlineData(1e-44f, 0)]
    public void ExtremeButEqualWeightsTrainLikeNoWeights(float weight, int? inMemoryLimit)
    {
        var ml = new MLContext(seed: 1);
        BackpropMlpTrainer.Options Options(string? weightColumn) => new()
        {
            ExampleWeightColumnName = weightColumn, NumberOfEpochs = 5, BatchSize = 4, Seed = 3, Optimizer = MlpOptimizer.Sgd, LearningRate = 0.1f,
            InMemoryDataLimitMegabytes = inMemoryLimit,
        };
        Row[] rows = Rows(12).Select(r => new Row { Label = r.Label, Features = r.Features, Weight = weight }).ToArray();
        var weighted = ml.BinaryClassification.Trainers.BackpropMlp(Options("Weight")).Fit(ml.Data.LoadFromEnumerable(rows)).Model;
        var plain = ml.BinaryClassification.Trainers.BackpropMlp(Options(null)).Fit(ml.Data.LoadFromEnumerable(rows)).Model;
        Assert.All(weighted.History, h => Assert.True(double.IsFinite(h.TrainingLoss)));
        Assert.Equal(plain.History[^1].TrainingLoss, weighted.History[^1].TrainingLoss, 5);
        Assert.True((plain.OutputWeights - weighted.OutputWeights).InfinityNorm() < 1e-5);
    }

    [Fact]
    public void AWarmStartRejectsExplicitLayersThatDifferFromTheStartingWeights()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(Rows(10));
        BackpropMlpModelParameters start = ml.BinaryClassification.Trainers.BackpropMlp(numberOfEpochs: 1).Fit(data).Model;

        var different = new BackpropMlpTrainer.Options { NumberOfEpochs = 1, HiddenLayers = { new MlpLayer(5, MlpActivation.Relu) } };
        var e = Assert.Throws<ArgumentException>(() => ml.BinaryClassification.Trainers.BackpropMlp(different).Fit(data, start));
        Assert.Contains("[32 Tanh, 16 Sigmoid]", e.Message);
        Assert.Contains("[5 Relu]", e.Message);

        var same = new BackpropMlpTrainer.Options { NumberOfEpochs = 1, HiddenLayers = { new MlpLayer(32, MlpActivation.Tanh), new MlpLayer(16, MlpActivation.Sigmoid) } };
        Assert.Equal(2, ml.BinaryClassification.Trainers.BackpropMlp(same).Fit(data, start).Model.HiddenLayers.Count);
        Assert.Equal(2, ml.BinaryClassification.Trainers.BackpropMlp(numberOfEpochs: 1).Fit(data, start).Model.HiddenLayers.Count); // defaults: the start's layers
    }

    [Fact]
    public void NetworksBeyondWhatCanBeSavedOrHeldAreRejectedByName()
    {
        var ml = new MLContext(seed: 1);
        var tooDeep = new BackpropMlpTrainer.Options();
        foreach (int _ in Enumerable.Range(0, 1025))
        {
            tooDeep.HiddenLayers.Add(new MlpLayer(1, MlpActivation.Tanh));
        }

        Assert.Equal("HiddenLayers", Assert.ThrowsAny<ArgumentException>(() => ml.BinaryClassification.Trainers.BackpropMlp(tooDeep)).ParamName);
        var tooWide = new BackpropMlpTrainer.Options { HiddenLayers = { new MlpLayer((1 << 24) + 1, MlpActivation.Tanh) } };
        Assert.Equal("HiddenLayers", Assert.ThrowsAny<ArgumentException>(() => ml.BinaryClassification.Trainers.BackpropMlp(tooWide)).ParamName);

        var tooMany = new BackpropMlpTrainer.Options { HiddenLayers = { new MlpLayer(100_000, MlpActivation.Tanh), new MlpLayer(100_000, MlpActivation.Tanh) } };
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.BinaryClassification.Trainers.BackpropMlp(tooMany).Fit(ml.Data.LoadFromEnumerable(Rows(4))));
        Assert.Contains("has 10000600001 parameters", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void ABlankWeightColumnNameIsRejected(string name)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new MLContext().BinaryClassification.Trainers.BackpropMlp(new BackpropMlpTrainer.Options { ExampleWeightColumnName = name }));
        Assert.Equal("ExampleWeightColumnName", e.ParamName);
    }
}
