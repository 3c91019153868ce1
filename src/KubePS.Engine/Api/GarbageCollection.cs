namespace KubePS.Engine.Api;

/// <summary>The finalizers through which a delete's propagationPolicy reaches the garbage collector.</summary>
public static class GarbageCollection
{
    public const string ForegroundFinalizer = "foregroundDeletion";
    public const string OrphanFinalizer = "orphan";
}
