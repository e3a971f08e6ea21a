using Backprop.MLNet.Samples.Handout;

// Greek letters and superscripts need UTF-8 even where the terminal's default is not.
Console.OutputEncoding = System.Text.Encoding.UTF8;
new HandoutReport(Console.Out).Write(HandoutWalkthrough.Run());
