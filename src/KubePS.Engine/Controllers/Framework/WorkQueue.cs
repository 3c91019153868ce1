namespace KubePS.Engine.Controllers.Framework;

/// <summary>
/// client-go's rate-limited work queue: a key waits in the queue at most once however often it is
/// added; a key being processed is never handed to a second worker, and an add that arrives
/// meanwhile is kept and handed out again after <see cref="Done"/>, so no change is lost. Retries
/// wait the larger of a per-key exponential backoff and a global token bucket.
/// </summary>
public sealed class WorkQueue : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<string> _queue = new();
    private readonly HashSet<string> _dirty = [];
    private readonly HashSet<string> _processing = [];
    private readonly Dictionary<string, int> _failures = [];
    private readonly SemaphoreSlim _ready = new(0);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TimeProvider _clock;
    private readonly TokenBucket _bucket;

    public WorkQueue(TimeProvider clock, WorkQueueLimits? limits = null)
    {
        _clock = clock;
        Limits = limits ?? WorkQueueLimits.Default;
        _bucket = new TokenBucket(Limits.RetriesPerSecond, Limits.RetryBurst, clock);
    }

    public WorkQueueLimits Limits { get; }

    public void Add(string key)
    {
        lock (_gate)
        {
            if (!_dirty.Add(key) || _processing.Contains(key))
            {
                return;
            }

            _queue.Enqueue(key);
        }

        _ready.Release();
    }

    /// <summary>Adds the key once <paramref name="delay"/> has passed.</summary>
    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        _ = Task.Delay(delay, _clock, _shutdown.Token).ContinueWith(
            _ => Add(key), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    /// <summary>Adds a key whose last processing failed, after its backoff.</summary>
    public void AddRateLimited(string key) => AddAfter(key, NextRetryDelay(key));

    /// <summary>The key succeeded: its next failure starts the backoff from the beginning.</summary>
    public void Forget(string key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    public int Failures(string key)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    /// <summary>Waits for the next key and marks it as being processed; call <see cref="Done"/> after.</summary>
    public async Task<string> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _ready.WaitAsync(cancellationToken);
            lock (_gate)
            {
                if (_queue.TryDequeue(out var key))
                {
                    _dirty.Remove(key);
                    _processing.Add(key);
                    return key;
                }
            }
        }
    }

    public void Done(string key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (!_dirty.Contains(key))
            {
                return;
            }

            _queue.Enqueue(key);
        }

        _ready.Release();
    }

    public void Dispose()
    {
        _shutdown.Cancel();
        _shutdown.Dispose();
        _ready.Dispose();
    }

    private TimeSpan NextRetryDelay(string key)
    {
        int failures;
        lock (_gate)
        {
            failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
        }

        var exponent = Math.Min(failures, 30);
        var backoff = TimeSpan.FromTicks((long)Math.Min(Limits.MaxRetryDelay.Ticks, Limits.FirstRetryDelay.Ticks * Math.Pow(2, exponent)));
        var bucket = _bucket.Reserve();
        return backoff > bucket ? backoff : bucket;
    }

    /// <summary>A token bucket that hands out the wait until the next token rather than blocking.</summary>
    private sealed class TokenBucket(double perSecond, int burst, TimeProvider clock)
    {
        private readonly object _gate = new();
        private double _tokens = burst;
        private long _last = clock.GetTimestamp();

        public TimeSpan Reserve()
        {
            lock (_gate)
            {
                var now = clock.GetTimestamp();
                _tokens = Math.Min(burst, _tokens + (clock.GetElapsedTime(_last, now).TotalSeconds * perSecond));
                _last = now;
                _tokens -= 1;
                return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / perSecond);
            }
        }
    }
}

/// <summary>How fast failed keys are retried: client-go's defaults unless a controller says otherwise.</summary>
public sealed record WorkQueueLimits(TimeSpan FirstRetryDelay, TimeSpan MaxRetryDelay, double RetriesPerSecond, int RetryBurst)
{
    public static readonly WorkQueueLimits Default = new(TimeSpan.FromMilliseconds(5), TimeSpan.FromMinutes(5), 10, 100);
}
