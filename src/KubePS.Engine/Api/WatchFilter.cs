using KubePS.Core.Selectors;
using KubePS.Engine.Storage;

namespace KubePS.Engine.Api;

/// <summary>
/// Applies a watch's selectors to store events the way the API server does: an object that
/// stops matching is reported DELETED to this watcher, one that starts matching ADDED.
/// </summary>
internal sealed class WatchFilter(LabelSelector labels, FieldSelector fields, bool knowsInitialState)
{
    // Objects this watcher has been shown; only known when the watch started from the full state.
    private readonly HashSet<string> _shown = [];

    /// <summary>The event type to send for <paramref name="e"/>, or null to send nothing.</summary>
    public string? Translate(StoreEvent e)
    {
        // Without selectors every event passes as it is, and the object is not even parsed.
        if (labels.IsEmpty && fields.IsEmpty)
        {
            return Name(e.Type);
        }

        var matches = ObjectService.Matches(e.Object, labels, fields);
        if (!knowsInitialState)
        {
            return matches ? Name(e.Type) : null;
        }

        var key = $"{KubeJson.NamespaceOf(e.Object)}/{KubeJson.NameOf(e.Object)}";

        var wasShown = _shown.Contains(key);
        if (e.Type == StoreEventType.Deleted)
        {
            _shown.Remove(key);
            return wasShown || matches ? "DELETED" : null;
        }

        if (matches)
        {
            _shown.Add(key);
            return wasShown ? "MODIFIED" : "ADDED";
        }

        _shown.Remove(key);
        return wasShown ? "DELETED" : null;
    }

    private static string Name(StoreEventType type) => type switch
    {
        StoreEventType.Added => "ADDED",
        StoreEventType.Modified => "MODIFIED",
        _ => "DELETED",
    };
}
