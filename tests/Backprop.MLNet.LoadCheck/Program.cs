// Loads a saved pipeline in a fresh process and prints, for every row of a breast-cancer style file, the bits of
// Score and Probability and the PredictedLabel, so the caller can compare them exactly with its own predictions.
// Usage: Backprop.MLNet.LoadCheck <model.zip> <breast-cancer.txt> [--prediction-engine]
// With --prediction-engine every row is scored alone through a PredictionEngine instead of a cursor over Transform.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length is < 2 or > 3 || (args.Length == 3 && args[2] != "--prediction-engine"))
{
    Console.Error.WriteLine("usage: Backprop.MLNet.LoadCheck <model.zip> <breast-cancer.txt> [--prediction-engine]");
    return 2;
}

var ml = new MLContext();
ITransformer model = ml.Model.Load(args[0], out DataViewSchema inputSchema);
IDataView data = ml.Data.LoadFromTextFile(args[1],
    [new TextLoader.Column("Label", DataKind.Boolean, 0), new TextLoader.Column("Features", DataKind.Single, 1, 9)],
    separatorChar: '\t', hasHeader: false);

ITransformer last = model is TransformerChain<ITransformer> chain ? chain.LastTransformer : model;
Console.WriteLine($"# last transformer {last.GetType().FullName}");
Console.WriteLine($"# AVX2+FMA {(System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported ? "on" : "off")}");
if (args.Length == 3)
{
    var engine = ml.Model.CreatePredictionEngine<CancerRow, CancerPrediction>(model, inputSchema);
    foreach (CancerRow row in ml.Data.CreateEnumerable<CancerRow>(data, reuseRowObject: false))
    {
        CancerPrediction prediction = engine.Predict(row);
        Console.WriteLine(Line(prediction.Score, prediction.Probability, prediction.PredictedLabel));
    }

    return 0;
}

IDataView scored = model.Transform(data);
using DataViewRowCursor cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name is "Score" or "Probability" or "PredictedLabel"));
ValueGetter<float> score = cursor.GetGetter<float>(scored.Schema["Score"]);
ValueGetter<float> probability = cursor.GetGetter<float>(scored.Schema["Probability"]);
ValueGetter<bool> label = cursor.GetGetter<bool>(scored.Schema["PredictedLabel"]);
float s = 0, p = 0;
bool l = false;
while (cursor.MoveNext())
{
    score(ref s);
    probability(ref p);
    label(ref l);
    Console.WriteLine(Line(s, p, l));
}

return 0;

static string Line(float score, float probability, bool label) => string.Join('\t',
    BitConverter.SingleToInt32Bits(score).ToString("X8", CultureInfo.InvariantCulture),
    BitConverter.SingleToInt32Bits(probability).ToString("X8", CultureInfo.InvariantCulture),
    label ? "1" : "0");

/// <summary>One row of the breast-cancer file as the PredictionEngine reads it.</summary>
internal sealed class CancerRow
{
    public bool Label { get; set; }

    [VectorType(9)]
    public float[] Features { get; set; } = [];
}

/// <summary>The scores the PredictionEngine writes.</summary>
internal sealed class CancerPrediction
{
    public float Score { get; set; }

    public float Probability { get; set; }

    public bool PredictedLabel { get; set; }
}
