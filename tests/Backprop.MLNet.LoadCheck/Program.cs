// Loads a saved pipeline in a fresh process and prints, for every row, the bits of its score columns, so the caller
// can compare them exactly with its own predictions.
// Usage:
//   Backprop.MLNet.LoadCheck <model.zip> <breast-cancer.txt> [--prediction-engine | --blocks]
//     Score, Probability and PredictedLabel of a breast-cancer style file: through a cursor over Transform (ML.NET's
//     row-by-row scorer), a PredictionEngine (one row at a time), or TransformInBlocks (our block scorer).
//   Backprop.MLNet.LoadCheck <model.zip> <data.idv> --columns A,B,...
//     The named output columns of any pipeline over rows saved with mlContext.Data.SaveAsBinary: Single (bits),
//     Vector<Single> (bits, comma-separated), Boolean (0/1), UInt32 keys (the number).
using System.Globalization;
using Backprop.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Backprop.MLNet.LoadCheck <model.zip> <breast-cancer.txt> [--prediction-engine | --blocks] | <model.zip> <data.idv> --columns A,B,...");
    return 2;
}

var ml = new MLContext();
ITransformer model = ml.Model.Load(args[0], out DataViewSchema inputSchema);
ITransformer last = model is TransformerChain<ITransformer> chain ? chain.LastTransformer : model;
Console.WriteLine($"# last transformer {last.GetType().FullName}");
Console.WriteLine($"# AVX2+FMA {(System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported ? "on" : "off")}");

if (args.Length == 4 && args[2] == "--columns")
{
    IDataView rows = ml.Data.LoadFromBinary(args[1]);
    IDataView output = model.Transform(rows);
    string[] names = args[3].Split(',');
    using DataViewRowCursor columns = output.GetRowCursor(names.Select(n => output.Schema[n]));
    Func<string>[] readers = names.Select(n => Reader(columns, output.Schema[n])).ToArray();
    while (columns.MoveNext())
    {
        Console.WriteLine(string.Join('\t', readers.Select(read => read())));
    }

    return 0;
}

IDataView data = ml.Data.LoadFromTextFile(args[1],
    [new TextLoader.Column("Label", DataKind.Boolean, 0), new TextLoader.Column("Features", DataKind.Single, 1, 9)],
    separatorChar: '\t', hasHeader: false);
if (args.Length == 3 && args[2] == "--prediction-engine")
{
    var engine = ml.Model.CreatePredictionEngine<CancerRow, CancerPrediction>(model, inputSchema);
    foreach (CancerRow row in ml.Data.CreateEnumerable<CancerRow>(data, reuseRowObject: false))
    {
        CancerPrediction prediction = engine.Predict(row);
        Console.WriteLine(Line(prediction.Score, prediction.Probability, prediction.PredictedLabel));
    }

    return 0;
}

if (args.Length == 3 && args[2] != "--blocks")
{
    Console.Error.WriteLine($"unknown option {args[2]}");
    return 2;
}

IDataView scored = args.Length == 3
    ? ((BinaryPredictionTransformer<BackpropMlpModelParameters>)last).TransformInBlocks(
        model is TransformerChain<ITransformer> all ? all.Take(all.Count() - 1).Aggregate(data, (view, t) => t.Transform(view)) : data)
    : model.Transform(data);
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

static string Line(float score, float probability, bool label) => string.Join('\t', Bits(score), Bits(probability), label ? "1" : "0");

static string Bits(float value) => BitConverter.SingleToInt32Bits(value).ToString("X8", CultureInfo.InvariantCulture);

static Func<string> Reader(DataViewRow row, DataViewSchema.Column column)
{
    switch (column.Type)
    {
        case NumberDataViewType n when n == NumberDataViewType.Single:
        {
            ValueGetter<float> get = row.GetGetter<float>(column);
            return () => { float v = 0; get(ref v); return Bits(v); };
        }

        case VectorDataViewType { ItemType: NumberDataViewType n } when n == NumberDataViewType.Single:
        {
            ValueGetter<VBuffer<float>> get = row.GetGetter<VBuffer<float>>(column);
            return () => { VBuffer<float> v = default; get(ref v); return string.Join(',', v.DenseValues().Select(Bits)); };
        }

        case BooleanDataViewType:
        {
            ValueGetter<bool> get = row.GetGetter<bool>(column);
            return () => { bool v = false; get(ref v); return v ? "1" : "0"; };
        }

        case KeyDataViewType { RawType: var raw } when raw == typeof(uint):
        {
            ValueGetter<uint> get = row.GetGetter<uint>(column);
            return () => { uint v = 0; get(ref v); return v.ToString(CultureInfo.InvariantCulture); };
        }

        default:
            throw new NotSupportedException($"Column {column.Name} of type {column.Type} is not printed.");
    }
}

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
