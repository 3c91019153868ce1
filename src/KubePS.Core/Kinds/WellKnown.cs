namespace KubePS.Core.Kinds;

/// <summary>Names shared by the engine, the node service and the module.</summary>
public static class WellKnown
{
    public const string DefaultNamespace = "default";
    public const string SystemNamespace = "kube-system";
    public const string NodeLeaseNamespace = "kube-node-lease";
    public static readonly IReadOnlyList<string> InitialNamespaces = [DefaultNamespace, SystemNamespace, NodeLeaseNamespace];

    /// <summary>The WebSocket subprotocols of pods/exec that KubePS speaks, preferred first (kubectl offers v5, KubernetesClient v4).</summary>
    public static readonly IReadOnlyList<string> ExecProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

    /// <summary>The annotation that makes a StorageClass the one claims without a class get.</summary>
    public const string DefaultStorageClassAnnotation = "storageclass.kubernetes.io/is-default-class";

    /// <summary>The StorageClass every cluster starts with, and the provisioner behind it (host folders, as k3s's local-path).</summary>
    public const string LocalPathStorageClass = "local-path";
    public const string LocalPathProvisioner = "kubeps.io/local-path";

    /// <summary>The Service in <c>default</c> that fronts the API server, at the service range's first address.</summary>
    public const string ApiServerService = "kubernetes";

    /// <summary>The cluster DNS Service in <c>kube-system</c>, at the service range's tenth address; node services serve it.</summary>
    public const string DnsService = "kube-dns";
    public const string ClusterDomain = "cluster.local";

    /// <summary>The label an EndpointSlice names its Service with, and the manager label of the controller's slices.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string EndpointSliceManagedByLabel = "endpointslice.kubernetes.io/managed-by";
    public const string EndpointSliceControllerName = "endpointslice-controller.k8s.io";

    /// <summary>The Kubernetes minor version whose API behaviour KubePS follows.</summary>
    public const string KubernetesMajor = "1";
    public const string KubernetesMinor = "32";
    public const string GitVersion = "v1.32.0-kubeps";

    /// <summary>Labels on every Docker container the node service creates.</summary>
    public static class ContainerLabels
    {
        public const string Node = "io.kubeps.node";
        public const string PodName = "io.kubernetes.pod.name";
        public const string PodNamespace = "io.kubernetes.pod.namespace";
        public const string PodUid = "io.kubernetes.pod.uid";
        public const string ContainerName = "io.kubernetes.container.name";
        public const string RestartCount = "io.kubeps.restart-count";
        public const string Sandbox = "io.kubeps.sandbox";
    }
}
