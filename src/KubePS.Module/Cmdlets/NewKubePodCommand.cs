using System.Management.Automation;
using k8s;
using k8s.Models;
using KubePS.Module.Completion;

namespace KubePS.Module.Cmdlets;

/// <summary>Creates a pod with one container.</summary>
/// <example><code>New-KubePod web kubeps/busybox:1 -Command sh,-c,'sleep 3600' | Wait-KubePod</code>Creates a pod and waits until it is Ready.</example>
[Cmdlet(VerbsCommon.New, "KubePod", SupportsShouldProcess = true, DefaultParameterSetName = ParameterSets.Parameters, HelpUri = HelpLinks.NewKubePod)]
[OutputType(typeof(V1Pod))]
public sealed class NewKubePodCommand : NewNamespacedKubeObjectCmdlet<V1Pod>
{
    /// <summary>The container image, e.g. kubeps/busybox:1.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.Parameters, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Image { get; set; } = "";

    /// <summary>The command the container runs instead of the image's entrypoint, e.g. sh,-c,'echo hello'.</summary>
    [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
    public string[]? Command { get; set; }

    /// <summary>What the node does when the container exits: Always (default), OnFailure or Never.</summary>
    [Parameter]
    [ValidateSet("Always", "OnFailure", "Never")]
    public string RestartPolicy { get; set; } = "Always";

    /// <inheritdoc />
    protected override string KindLabel => "pod";

    /// <inheritdoc />
    protected override V1Pod BuildIn(V1ObjectMeta metadata)
    {
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = metadata,
            Spec = new V1PodSpec
            {
                RestartPolicy = RestartPolicy,
                Containers = [new V1Container { Name = Name, Image = Image, Command = Command }],
            },
        };
    }

    /// <inheritdoc />
    protected override Task<V1Pod> CreateInAsync(string ns, V1Pod item, CancellationToken cancellationToken) =>
        Client.CoreV1.CreateNamespacedPodAsync(item, ns, cancellationToken: cancellationToken);
}
