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
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("BackpropMlp", maxValue: epochs);
                MlpEpochRecord? last = null;
                TResult result = train(new SynchronousProgress<MlpEpochRecord>(record =>
                {
                    last = record;
                    task.Value = record.Epoch;
                    task.Description = $"BackpropMlp epoch {record.Epoch,4}/{epochs}  {Describe(record)}";
                }));

                // Early stopping ends before the last epoch: say so and show the bar as done.
                if (last is not null && last.Epoch < epochs)
                {
                    task.Description += $"  (stopped early)";
                }

                task.Value = epochs;
                return result;
            });
    }

    private static string Describe(MlpEpochRecord record) =>
        $"training loss {record.TrainingLoss:F4}" + (record.ValidationLoss is double validation ? $"  validation loss {validation:F4}" : "");
}
