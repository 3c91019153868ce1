using k8s.Models;
using KubePS.NodeService.Pods;

namespace KubePS.NodeService.Tests;

public sealed class ContainerEnvironmentTests
{
    private static readonly Dictionary<string, string> Values = new() { ["NAME"] = "world", ["EMPTY"] = "" };

    [Theory]
    [InlineData("hello $(NAME)", "hello world")]
    [InlineData("$(NAME)$(NAME)", "worldworld")]
    [InlineData("$(MISSING) stays", "$(MISSING) stays")]
    [InlineData("$$(NAME) is escaped", "$(NAME) is escaped")]
    [InlineData("cost: $5", "cost: $5")]
    [InlineData("unclosed $(NAME", "unclosed $(NAME")]
    [InlineData("[$(EMPTY)]", "[]")]
    [InlineData("ends with $", "ends with $")]
    public void Variable_references_expand_as_Kubernetes_expands_them(string text, string expected) =>
        Assert.Equal(expected, ContainerEnvironment.Expand(text, Values));

    [Fact]
    public void The_downward_API_reads_the_pods_fields()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = "web", NamespaceProperty = "shop", Uid = "u-1",
                Labels = new Dictionary<string, string> { ["app"] = "web" },
                Annotations = new Dictionary<string, string> { ["note"] = "hi" },
            },
            Spec = new V1PodSpec { NodeName = "node-a", ServiceAccountName = "robot" },
        };

        Assert.Equal("web", ContainerEnvironment.FieldValue(pod, "metadata.name", "10.0.0.5", "192.168.1.2"));
        Assert.Equal("shop", ContainerEnvironment.FieldValue(pod, "metadata.namespace", null, "h"));
        Assert.Equal("u-1", ContainerEnvironment.FieldValue(pod, "metadata.uid", null, "h"));
        Assert.Equal("web", ContainerEnvironment.FieldValue(pod, "metadata.labels['app']", null, "h"));
        Assert.Equal("", ContainerEnvironment.FieldValue(pod, "metadata.labels['missing']", null, "h"));
        Assert.Equal("hi", ContainerEnvironment.FieldValue(pod, "metadata.annotations['note']", null, "h"));
        Assert.Equal("node-a", ContainerEnvironment.FieldValue(pod, "spec.nodeName", null, "h"));
        Assert.Equal("robot", ContainerEnvironment.FieldValue(pod, "spec.serviceAccountName", null, "h"));
        Assert.Equal("10.0.0.5", ContainerEnvironment.FieldValue(pod, "status.podIP", "10.0.0.5", "h"));
        Assert.Equal("192.168.1.2", ContainerEnvironment.FieldValue(pod, "status.hostIP", null, "192.168.1.2"));
        Assert.Throws<ContainerConfigException>(() => ContainerEnvironment.FieldValue(pod, "spec.nonsense", null, "h"));
    }

    [Fact]
    public void SecurityContext_of_the_container_overrides_the_pods()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p" },
            Spec = new V1PodSpec { SecurityContext = new V1PodSecurityContext { RunAsUser = 1000, RunAsGroup = 2000, SupplementalGroups = [5, 6], FsGroup = 7 } },
        };
        var container = new V1Container { Name = "c", SecurityContext = new V1SecurityContext { RunAsUser = 1001, Capabilities = new V1Capabilities { Add = ["NET_ADMIN"], Drop = ["ALL"] } } };

        var settings = ContainerSecurity.For(pod, container, allowPrivileged: false, "node-a");

        Assert.Equal("1001:2000", settings.User);
        Assert.Equal(["5", "6", "7"], settings.SupplementalGroups);
        Assert.Equal(["NET_ADMIN"], settings.Add);
        Assert.Equal(["ALL"], settings.Drop);
        container.SecurityContext.Privileged = true;
        Assert.Throws<ContainerConfigException>(() => ContainerSecurity.For(pod, container, allowPrivileged: false, "node-a"));
        Assert.True(ContainerSecurity.For(pod, container, allowPrivileged: true, "node-a").Privileged);
    }
}
