using Microsoft.ML.Data;

namespace Backprop.MLNet.Samples.WikipediaDetox;

/// <summary>One Wikipedia comment, as the file and the prediction engine see it.</summary>
public sealed class Comment
{
    /// <summary>True when the comment was judged toxic.</summary>
    [LoadColumn(0)]
    public bool Label { get; set; }

    /// <summary>The comment's text.</summary>
    [LoadColumn(1)]
    public string SentimentText { get; set; } = "";
}
