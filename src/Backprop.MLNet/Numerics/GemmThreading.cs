using System.Diagnostics;

namespace Backprop.MLNet.Numerics;

/// <summary>
/// Shares one single-precision product among the caller and a few persistent worker threads, each computing
/// its own slice of C (a range of rows or of columns) with <see cref="GemmBlocked"/>.
/// </summary>
/// <remarks>
/// <para>
/// Why not the simplest alternative, the same slices run by <c>Parallel.For</c> on the thread pool: measured on this
/// project's 2-vCPU machine in one sitting (2026-11-29, two alternating runs each), these workers gave 136–188 GFLOP/s
/// (mean 172) on the MLP's products with 2 threads against 139–174 (mean 156) for Parallel.For, 198–210 against
/// 197–198 on 2048², and the train benchmark's 5 epochs took 1.09–1.17 s against 1.21–1.32 s: about 10 % of training
/// time, which the thread pool's wake-up latency on short products costs.
/// </para>
/// <para>
/// Workers spin (with PAUSE, ~50 µs) after each job, so the back-to-back products of a training step reach a
/// worker that is already awake (a microsecond or two instead of the tens of microseconds of waking a sleeping
/// thread on this kind of VM), then block on a semaphore.
/// </para>
/// <para>
/// After its own slice the caller takes back any slice no worker has started, so a worker that is asleep or
/// whose core is busy elsewhere costs the parallelism, never a wait. Slices are whole tiles and the k-blocking
/// never depends on them, so whoever computes a slice produces the same bits.
/// </para>
/// <para>
/// One product uses the workers at a time; a caller that finds them busy (another thread's product) computes
/// its product alone, which gives the same bits since slices never change the arithmetic.
/// </para>
/// </remarks>
internal static class GemmThreading
{
    /// <summary>How long an idle worker keeps spinning before it blocks.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 20000; // 50 µs

    /// <summary>PAUSE iterations between two looks at the offer counter while spinning.</summary>
    private const int SpinIterationsPerPoll = 8;

    /// <summary>
    /// Workers started so far (created on first need, touched only by the caller owning <see cref="busy"/>). At least
    /// one, so that a product asked to use two threads shares its slices even on a one-core machine (the caller then
    /// takes back what the worker had no time for): the sharing is exercised, and tested, everywhere.
    /// </summary>
    private static readonly Worker?[] Workers = new Worker?[Math.Max(1, Environment.ProcessorCount - 1)];

    /// <summary>1 while some caller owns the workers.</summary>
    private static int busy;

    /// <summary>Number of threads (caller included) that a product may use on this machine (at least 2, see <see cref="Workers"/>).</summary>
    public static int AvailableThreads => Workers.Length + 1;

    /// <summary>Products shared among threads so far (for tests: proof that the shared path ran).</summary>
    public static long SharedProducts => Interlocked.Read(ref sharedProducts);

    private static long sharedProducts;

    /// <summary>Slices computed by worker threads so far (for tests: proof that the workers, not only the caller, ran).</summary>
    public static long WorkerSlices => Interlocked.Read(ref workerSlices);

    private static long workerSlices;

    /// <summary>
    /// For tests: when true the caller never takes a slice back but waits for its worker (taking it back only after
    /// <see cref="WorkerTimeout"/>, and then failing the product), so the workers' path runs on every shared product,
    /// even on one busy core; and a worker starts its slice late, so a caller that did not wait would see it unfinished.
    /// </summary>
    internal static bool WorkersMustRun { get; set; }

    /// <summary>How long a caller waits for a worker to start its slice when <see cref="WorkersMustRun"/> is set.</summary>
    private static readonly TimeSpan WorkerTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Computes <paramref name="operands"/> split into <paramref name="parts"/> slices along rows
    /// (<paramref name="splitRows"/>) or columns, each a multiple of <paramref name="granularity"/> except the last.
    /// </summary>
    /// <param name="operands">The whole product.</param>
    /// <param name="parts">Number of slices, 2 ≤ parts ≤ <see cref="AvailableThreads"/>.</param>
    /// <param name="splitRows">True to split the rows of C, false to split its columns.</param>
    /// <param name="granularity">Slice boundaries fall on multiples of this (the micro-tile size).</param>
    public static void MultiplyInParallel(in GemmOperands operands, int parts, bool splitRows, int granularity)
    {
        if (Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            GemmBlocked.Multiply(operands);
            return;
        }

        int offers = 0;
        Interlocked.Increment(ref sharedProducts);
        try
        {
            parts = Math.Min(parts, Workers.Length + 1);
            int extent = splitRows ? operands.M : operands.N;
            int tiles = (extent + granularity - 1) / granularity;

            // Part 0 is the caller's; parts 1.. are offered to workers 0...
            for (; offers < parts - 1; offers++)
            {
                Worker worker = Workers[offers] ??= new Worker(offers);
                worker.Offer(Slice(operands, offers + 1, parts, tiles, granularity, extent, splitRows));
            }

            GemmBlocked.Multiply(Slice(operands, 0, parts, tiles, granularity, extent, splitRows));
        }
        finally
        {
            // Settled even if the caller's part failed: no worker may outlive the pinning of the operands.
            // A worker that has not started yet (asleep, or its core busy elsewhere) loses its slice to the
            // caller, so a missing core costs parallelism, never a wait.
            Exception? failure = null;
            for (int part = 0; part < offers; part++)
            {
                failure ??= Workers[part]!.TakeBackOrWait();
            }

            Volatile.Write(ref busy, 0);
            if (failure is not null)
            {
                throw new AggregateException("A GEMM slice failed.", failure);
            }
        }
    }

    /// <summary>Slice <paramref name="part"/> of <paramref name="parts"/>: a near-equal share of whole tiles.</summary>
    private static GemmOperands Slice(in GemmOperands operands, int part, int parts, int tiles, int granularity, int extent, bool splitRows)
    {
        int firstTile = (int)((long)tiles * part / parts);
        int endTile = (int)((long)tiles * (part + 1) / parts);
        int start = firstTile * granularity;
        int end = Math.Min(endTile * granularity, extent);
        return splitRows ? operands.SliceRows(start, end - start) : operands.SliceColumns(start, end - start);
    }

    /// <summary>
    /// A background thread that runs offered slices. Offers are numbered; a slice is run by whoever first
    /// moves <see cref="claimed"/> up to its number — the worker, or the caller taking it back.
    /// </summary>
    private sealed class Worker
    {
        private readonly SemaphoreSlim wakeUp = new(0);
        private GemmOperands job;
        private Exception? failure;

        /// <summary>Number of the latest offer (written by the caller only).</summary>
        private long offered;

        /// <summary>Number of the latest offer someone has taken on.</summary>
        private long claimed;

        /// <summary>Number of the latest offer the worker has finished.</summary>
        private long finished;

        /// <summary>1 while the worker is (about to be) blocked on <see cref="wakeUp"/>.</summary>
        private int sleeping;

        /// <summary>Starts the worker's thread.</summary>
        public Worker(int index)
        {
            var thread = new Thread(Run)
            {
                IsBackground = true,
                Name = $"Gemm worker {index}",
            };
            thread.Start();
        }

        /// <summary>Offers a slice; the previous offer must have been settled by <see cref="TakeBackOrWait"/>.</summary>
        public void Offer(in GemmOperands slice)
        {
            job = slice;
            failure = null;
            Volatile.Write(ref offered, offered + 1);
            if (Interlocked.Exchange(ref sleeping, 0) == 1)
            {
                wakeUp.Release();
            }
        }

        /// <summary>
        /// Runs the offered slice on the calling thread if the worker has not claimed it, else waits for it.
        /// Returns what the slice threw, if anything.
        /// </summary>
        public Exception? TakeBackOrWait()
        {
            long number = offered;
            if (WorkersMustRun)
            {
                var watch = Stopwatch.StartNew();
                while (Volatile.Read(ref claimed) != number && watch.Elapsed < WorkerTimeout)
                {
                    Thread.Yield();
                }
            }

            if (Interlocked.CompareExchange(ref claimed, number, number - 1) == number - 1)
            {
                try
                {
                    GemmBlocked.Multiply(job);
                    return WorkersMustRun ? new TimeoutException($"A GEMM worker did not start its slice within {WorkerTimeout.TotalSeconds} s.") : null;
                }
                catch (Exception e)
                {
                    return e;
                }
            }

            // The worker is computing it now and should end about when the caller did.
            var spinner = default(SpinWait);
            while (Volatile.Read(ref finished) != number)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            return failure;
        }

        private void Run()
        {
            long seen = 0;
            while (true)
            {
                seen = WaitForOfferAfter(seen);
                if (Interlocked.CompareExchange(ref claimed, seen, seen - 1) != seen - 1)
                {
                    continue; // taken back by the caller
                }

                Interlocked.Increment(ref workerSlices);
                if (WorkersMustRun)
                {
                    Thread.Sleep(20); // for tests: a caller that did not wait for this slice would find it unfinished
                }

                try
                {
                    GemmBlocked.Multiply(job);
                }
                catch (Exception e)
                {
                    failure = e;
                }

                Volatile.Write(ref finished, seen);
            }
        }

        /// <summary>Waits until an offer newer than <paramref name="seen"/> exists and returns its number.</summary>
        private long WaitForOfferAfter(long seen)
        {
            long spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            while (true)
            {
                long latest = Volatile.Read(ref offered);
                if (latest != seen)
                {
                    return latest;
                }

                if (Stopwatch.GetTimestamp() < spinUntil)
                {
                    // PAUSE-based spinning: cheap for a hyperthread sibling, and no system call per poll.
                    Thread.SpinWait(SpinIterationsPerPoll);
                    continue;
                }

                // Announce the sleep, then look once more: an offer made in between either sees the flag (and
                // releases the semaphore) or is seen here (and then the flag must be taken back).
                Interlocked.Exchange(ref sleeping, 1); // a full fence: the read below cannot move above it
                if (Volatile.Read(ref offered) != seen)
                {
                    if (Interlocked.Exchange(ref sleeping, 0) == 0)
                    {
                        wakeUp.Wait(); // the caller took the flag and releases: consume that release
                    }

                    continue;
                }

                wakeUp.Wait();
                spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            }
        }
    }
}
