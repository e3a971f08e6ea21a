// Loads a saved pipeline in a fresh process and prints, for every row of a breast-cancer style file, the bits of
// Score and Probability and the PredictedLabel, so the caller can compare them exactly with its own predictions.
// Usage: Backprop.MLNet.LoadCheck <model.zip> <breast-cancer.txt>
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Backprop.MLNet.LoadCheck <model.zip> <breast-cancer.txt>");
    return 2;
}

var ml = new MLContext();
ITransformer model = ml.Model.Load(args[0], out DataViewSchema _);
IDataView data = ml.Data.LoadFromTextFile(args[1],
    [new TextLoader.Column("Label", DataKind.Boolean, 0), new TextLoader.Column("Features", DataKind.Single, 1, 9)],
    separatorChar: '\t', hasHeader: false);
IDataView scored = model.Transform(data);

ITransformer last = model is TransformerChain<ITransformer> chain ? chain.LastTransformer : model;
Console.WriteLine($"# last transformer {last.GetType().FullName}");
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
    Console.WriteLine(string.Join('\t',
        BitConverter.SingleToInt32Bits(s).ToString("X8", CultureInfo.InvariantCulture),
        BitConverter.SingleToInt32Bits(p).ToString("X8", CultureInfo.InvariantCulture),
        l ? "1" : "0"));
}

return 0;
