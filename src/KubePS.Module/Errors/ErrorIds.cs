namespace KubePS.Module.Errors;

/// <summary>The stable error ids of the module's ErrorRecords; scripts match on them.</summary>
public static class ErrorIds
{
    public const string NotFound = "KubePS.NotFound";
    public const string AlreadyExists = "KubePS.AlreadyExists";
    public const string Conflict = "KubePS.Conflict";
    public const string Invalid = "KubePS.Invalid";
    public const string Unauthorized = "KubePS.Unauthorized";
    public const string Forbidden = "KubePS.Forbidden";
    public const string NotConnected = "KubePS.NotConnected";
    public const string ConnectionFailed = "KubePS.ConnectionFailed";
    public const string ServerError = "KubePS.ServerError";
    public const string KubeConfigInvalid = "KubePS.KubeConfigInvalid";
    public const string ClusterFilesMissing = "KubePS.ClusterFilesMissing";
    public const string ClusterStartFailed = "KubePS.ClusterStartFailed";
    public const string ClusterStopFailed = "KubePS.ClusterStopFailed";
    public const string NoDataPath = "KubePS.NoDataPath";
    public const string Timeout = "KubePS.Timeout";
    public const string CommandError = "KubePS.CommandError";
    public const string ImageImportFailed = "KubePS.ImageImportFailed";
    public const string ContainerNotFound = "KubePS.ContainerNotFound";
    public const string RevisionNotFound = "KubePS.RevisionNotFound";
    public const string RolloutFailed = "KubePS.RolloutFailed";
    public const string UnmanagedPods = "KubePS.UnmanagedPods";
    public const string InvalidYaml = "KubePS.InvalidYaml";
    public const string NotAKubernetesObject = "KubePS.NotAKubernetesObject";
    public const string ManifestNotFound = "KubePS.ManifestNotFound";
    public const string FileExists = "KubePS.FileExists";
    public const string PodFailed = "KubePS.PodFailed";
    public const string UnknownKind = "KubePS.UnknownKind";
    public const string WatchFailed = "KubePS.WatchFailed";
}
