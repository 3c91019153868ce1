namespace KubePS.NodeService.Pods;

/// <summary>Why a container is not running yet, in the words Kubernetes uses (ErrImagePull, CrashLoopBackOff, ...).</summary>
public sealed record ContainerWaiting(string Reason, string? Message);
