using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace KubePS.NodeService.Node;

/// <summary>
/// One kind held in memory: a list, then a watch from the list's resourceVersion, listing again
/// only when the watch ends. Each change calls <c>changed</c>; readers take a snapshot.
/// </summary>
public sealed class WatchedCache<T>(
    Func<CancellationToken, Task<(IList<T> Items, string ResourceVersion)>> list,
    Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
    Action changed,
    ILogger logger)
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _lock = new();
    private Dictionary<string, T> _items = [];

    private volatile bool _synced;

    /// <summary>Whether the first list has arrived; before it an empty cache means nothing.</summary>
    public bool Synced => _synced;

    public static string KeyOf(V1ObjectMeta meta) => $"{meta.NamespaceProperty}/{meta.Name}";

    /// <summary>One object by namespace and name, without copying the cache.</summary>
    public T? Get(string? ns, string name)
    {
        lock (_lock)
        {
            return _items.GetValueOrDefault($"{ns}/{name}");
        }
    }

    public List<T> Snapshot()
    {
        lock (_lock)
        {
            return [.. _items.Values];
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var (items, resourceVersion) = await list(cancellationToken);
                lock (_lock)
                {
                    _items = items.ToDictionary(i => KeyOf(i.Metadata));
                }

                _synced = true;
                changed();
                await foreach (var (type, item) in watch(resourceVersion, cancellationToken))
                {
                    lock (_lock)
                    {
                        if (type is WatchEventType.Added or WatchEventType.Modified)
                        {
                            _items[KeyOf(item.Metadata)] = item;
                        }
                        else if (type is WatchEventType.Deleted)
                        {
                            _items.Remove(KeyOf(item.Metadata));
                        }
                    }

                    changed();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // What was last known keeps serving while the cache lists again.
                logger.LogDebug("{Kind} watch ended: {Message}", typeof(T).Name, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
