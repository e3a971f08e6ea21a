using Spectre.Console;

namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>
/// Shows training as it goes: a live Spectre.Console progress bar with the latest losses on an
/// interactive terminal, or one plain line every few epochs when the output is redirected (a log
/// file or CI has no use for redrawn bars).
/// </summary>
public sealed class EpochReporter(IAnsiConsole console, bool showProgressBar)
{
    /// <summary>
    /// Runs <paramref name="train"/>, handing it the <see cref="IProgress{T}"/> to put into
    /// <see cref="BackpropMlpTrainer.Options.Progress"/>, and displays each epoch it reports.
    /// </summary>
    /// <typeparam name="TResult">What training returns.</typeparam>
    /// <param name="epochs">The number of epochs asked for (early stopping may end sooner).</param>
    /// <param name="train">Trains, reporting to the progress it is given.</param>
    public TResult Run<TResult>(int epochs, Func<IProgress<MlpEpochRecord>, TResult> train)
    {
        if (!showProgressBar)
        {
            int every = Math.Max(1, epochs / 10);
            return train(new SynchronousProgress<MlpEpochRecord>(record =>
            {
                if (record.Epoch == 1 || record.Epoch % every == 0 || record.Epoch == epochs)
                {
                    console.WriteLine($"  epoch {record.Epoch,4}/{epochs}  {Describe(record)}");
                }
            }));
        }

        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("BackpropMlp", maxValue: epochs);
                TResult result = train(new SynchronousProgress<MlpEpochRecord>(record =>
                {
                    task.Value = record.Epoch;
                    task.Description = $"epoch {record.Epoch,4}/{epochs}  {Describe(record)}";
                }));

                // Early stopping ends before the last epoch: show the bar as done (the caller says where it stopped).
                task.Value = epochs;
                return result;
            });
    }

    // Short enough that description, bar and time fit an 80-column terminal.
    private static string Describe(MlpEpochRecord record) =>
        $"training loss {record.TrainingLoss:F4}" + (record.ValidationLoss is double validation ? $"  validation {validation:F4}" : "");
}
