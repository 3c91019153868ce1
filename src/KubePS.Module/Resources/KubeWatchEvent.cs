namespace KubePS.Module.Resources;

/// <summary>One change Watch-KubeObject saw: ADDED, MODIFIED or DELETED, and the object as it is after it.</summary>
public sealed class KubeWatchEvent(string type, object obj, string kind, string name, string? ns)
{
    /// <summary>ADDED, MODIFIED or DELETED, as the API server names the change.</summary>
    public string Type { get; } = type;

    /// <summary>The object after the change (for DELETED, its last state).</summary>
    public object Object { get; } = obj;

    public string Kind { get; } = kind;

    public string Name { get; } = name;

    public string? Namespace { get; } = ns;

    /// <summary>When the module received the event.</summary>
    public DateTime TimeStamp { get; } = DateTime.Now;
}
