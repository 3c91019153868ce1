using k8s;

namespace KubePS.Core.Config;

/// <summary>Builds KubernetesClient instances from kubeconfig files.</summary>
public static class KubeClientFactory
{
    public static KubernetesClientConfiguration LoadConfiguration(string kubeConfigPath, string? context = null) =>
        KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeConfigPath, context);

    public static Kubernetes FromKubeConfig(string kubeConfigPath, string? context = null) =>
        new(LoadConfiguration(kubeConfigPath, context));
}
