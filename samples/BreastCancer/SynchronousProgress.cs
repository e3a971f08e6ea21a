namespace Backprop.MLNet.Samples.BreastCancer;

/// <summary>
/// An <see cref="IProgress{T}"/> that runs its handler at once on the reporting thread. The framework's
/// <see cref="Progress{T}"/> posts to the thread pool instead, so the last epochs could arrive after
/// training has returned and the progress display has closed.
/// </summary>
/// <typeparam name="T">What is reported.</typeparam>
/// <param name="handler">Called with each report.</param>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => handler(value);
}
