namespace KubePS.Module.Cmdlets;

/// <summary>Where each cmdlet's online help lives (Get-Help -Online).</summary>
internal static class HelpLinks
{
    public const string Base = "https://github.com/kubeps/kubeps/blob/main/docs/cmdlets.md";
    public const string StartKubeCluster = Base + "#start-kubecluster";
    public const string StopKubeCluster = Base + "#stop-kubecluster";
    public const string ConnectKubeCluster = Base + "#connect-kubecluster";
    public const string GetKubeNode = Base + "#get-kubenode";
    public const string GetKubePod = Base + "#get-kubepod";
    public const string NewKubePod = Base + "#new-kubepod";
    public const string RemoveKubePod = Base + "#remove-kubepod";
    public const string GetKubeLog = Base + "#get-kubelog";
    public const string GetKubeNamespace = Base + "#get-kubenamespace";
    public const string NewKubeNamespace = Base + "#new-kubenamespace";
    public const string RemoveKubeNamespace = Base + "#remove-kubenamespace";
    public const string InvokeKubeCommand = Base + "#invoke-kubecommand";
    public const string ImportKubeImage = Base + "#import-kubeimage";
    public const string ConfigMap = Base + "#configmaps-and-secrets";
    public const string Secret = Base + "#configmaps-and-secrets";
    public const string PersistentVolume = Base + "#persistent-volumes-and-claims";
    public const string PersistentVolumeClaim = Base + "#persistent-volumes-and-claims";
    public const string GetKubePodMetric = Base + "#get-kubepodmetric";
    public const string GetKubeNodeMetric = Base + "#get-kubenodemetric";
    public const string Deployment = Base + "#deployments";
    public const string DeploymentRollout = Base + "#rollouts";
    public const string GetKubeEvent = Base + "#get-kubeevent";
    public const string Workloads = Base + "#statefulsets-daemonsets-jobs-and-cronjobs";
    public const string Service = Base + "#services-and-endpoints";
    public const string NodeMaintenance = Base + "#suspend-kubenode-resume-kubenode";
    public const string KubeObject = Base + "#get-kubeobject-remove-kubeobject-watch-kubeobject";
    public const string PublishKubeManifest = Base + "#publish-kubemanifest";
    public const string ExportKubeManifest = Base + "#export-kubemanifest";
    public const string Contexts = Base + "#contexts";
    public const string Autoscaling = Base + "#horizontalpodautoscalers";
    public const string ResourceLimits = Base + "#resourcequotas-and-limitranges";
    public const string KubeYaml = Base + "#convertto-kubeyaml-convertfrom-kubeyaml";
}
