namespace KubePS.Engine.Storage;

/// <summary>
/// The most recent events in memory, so that watchers resume from a resourceVersion without
/// reading the file. Not thread-safe: the store calls it under its write lock.
/// </summary>
internal sealed class WatchCache(int capacity, long startResourceVersion)
{
    private readonly Queue<StoreEvent> _events = new();
    private readonly List<StoreWatch> _watchers = [];

    // The oldest resourceVersion a watch can resume from: everything after it is in the queue.
    private long _horizon = startResourceVersion;

    public void Append(StoreEvent e)
    {
        _events.Enqueue(e);
        if (_events.Count > capacity)
        {
            _horizon = _events.Dequeue().ResourceVersion;
        }

        foreach (var watcher in _watchers)
        {
            if (watcher.Wants(e))
            {
                watcher.Deliver(e.Share());
            }
        }
    }

    /// <summary>Registers a watcher and hands it the events after <paramref name="fromResourceVersion"/>.</summary>
    public void Subscribe(StoreWatch watcher, long? fromResourceVersion)
    {
        if (fromResourceVersion is { } from)
        {
            if (from < _horizon)
            {
                throw new StoreExpiredException($"too old resource version: {from} ({_horizon})");
            }

            foreach (var e in _events)
            {
                if (e.ResourceVersion > from && watcher.Wants(e))
                {
                    watcher.Deliver(e.Share());
                }
            }
        }

        _watchers.Add(watcher);
    }

    public void Unsubscribe(StoreWatch watcher) => _watchers.Remove(watcher);
}
