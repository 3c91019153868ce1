using System.Collections;
using System.Management.Automation;
using k8s;
using k8s.Models;

namespace KubePS.Module.Cmdlets;

/// <summary>
/// New-Kube&lt;Workload&gt;: the parameters every pod-running kind takes for its one container
/// (image, command, ports, environment) and the pod labels that double as its selector.
/// </summary>
public abstract class NewWorkloadCmdlet<TObject> : NewNamespacedKubeObjectCmdlet<TObject>
    where TObject : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The container image, e.g. kubeps/busybox:1.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.Parameters, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Image { get; set; } = "";

    /// <summary>The command the container runs instead of the image's entrypoint.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? Command { get; set; }

    /// <summary>Container ports to declare, e.g. 80,443.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    public int[]? Port { get; set; }

    /// <summary>Environment variables for the container, e.g. @{ MODE = 'fast' }.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public Hashtable? Env { get; set; }

    /// <summary>The workload around its pod template; <paramref name="selector"/> selects the template's pods.</summary>
    protected abstract TObject BuildWorkload(V1ObjectMeta metadata, V1LabelSelector selector, V1PodTemplateSpec template);

    /// <inheritdoc />
    protected override TObject BuildIn(V1ObjectMeta metadata)
    {
        // Without -Labels the pods are labelled app=<name>, as kubectl create deployment labels them.
        var labels = metadata.Labels ?? new Dictionary<string, string> { ["app"] = Name };
        metadata.Labels = labels;
        var template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) },
            Spec = new V1PodSpec
            {
                RestartPolicy = PodRestartPolicy,
                Containers =
                [
                    new V1Container
                    {
                        Name = Name,
                        Image = Image,
                        Command = Command,
                        Ports = Port?.Select(p => new V1ContainerPort { ContainerPort = p }).ToList(),
                        Env = Env is null ? null : Values.Strings(Env).Select(e => new V1EnvVar { Name = e.Key, Value = e.Value }).ToList(),
                    },
                ],
            },
        };
        return BuildWorkload(metadata, new V1LabelSelector { MatchLabels = new Dictionary<string, string>(labels) }, template);
    }

    /// <summary>The pods' restartPolicy: Always for long-running workloads, OnFailure or Never for jobs.</summary>
    protected virtual string PodRestartPolicy => "Always";
}

/// <summary>
/// Set-Kube&lt;Workload&gt;: what every pod-running kind can change the same way, the image of one
/// container of its pod template (-Container names it, or the template has only one).
/// </summary>
public abstract class SetWorkloadCmdlet<TObject> : SetNamespacedKubeObjectCmdlet<TObject>
    where TObject : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The new image of the container named by -Container (or of the only container).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Image { get; set; }

    /// <summary>Which container -Image changes, when the pods have several.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ContainerCompleter))]
    public string? Container { get; set; }

    protected abstract V1PodTemplateSpec TemplateOf(TObject workload);

    /// <summary>What the kind's own parameters change.</summary>
    protected virtual void ChangeWorkload(TObject current)
    {
    }

    /// <inheritdoc />
    protected sealed override void Change(TObject current)
    {
        if (Image is not null)
        {
            SetImage(TemplateOf(current).Spec, Image, Container);
        }

        ChangeWorkload(current);
    }

    /// <summary>Sets the image of the container named <paramref name="container"/>, or of the only one.</summary>
    internal static void SetImage(V1PodSpec pod, string image, string? container)
    {
        var containers = pod.Containers;
        var target = container is null
            ? containers.Count == 1 ? containers[0] : null
            : containers.FirstOrDefault(c => c.Name == container);
        if (target is null)
        {
            var names = string.Join(", ", containers.Select(c => c.Name));
            throw new Errors.KubeException(
                container is null ? Messages.ContainerRequired(names) : Messages.NoSuchContainer(container, names),
                null, Errors.ErrorIds.ContainerNotFound, ErrorCategory.InvalidArgument);
        }

        target.Image = image;
    }
}
