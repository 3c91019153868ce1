using System.Text;
using k8s;

namespace KubePS.Engine.Tests.Api;

/// <summary>
/// kubectl 1.32's <c>create &lt;kind&gt;</c> generators post protobuf bodies (client-go's typed clients); each must
/// land as the object kubectl built, with fieldValidation=Strict finding nothing unknown.
/// </summary>
public sealed class KubectlCreateTests(EngineFixture engine) : IClassFixture<EngineFixture>
{
    private const string Ns = "proto";

    private Task<(int ExitCode, string Output)> KubectlAsync(params string[] args) => new KubectlRunner(engine.KubeConfigPath, engine.DataPath).RunAsync(args);

    private async Task CreateAsync(params string[] args)
    {
        var (code, output) = await KubectlAsync(["create", .. args]);
        Assert.True(code == 0, $"kubectl create {string.Join(' ', args)}: {output}");
    }

    private async Task EnsureNamespaceAsync()
    {
        var (code, output) = await KubectlAsync("create", "namespace", Ns);
        Assert.True(code == 0 || output.Contains("AlreadyExists"), output);
    }

    [Fact]
    public async Task Create_namespace_configmap_secret_and_serviceaccount_store_what_kubectl_built()
    {
        await EnsureNamespaceAsync();
        Assert.Equal("Active", (await engine.Client.ReadNamespaceAsync(Ns)).Status.Phase);

        await CreateAsync("configmap", "settings", "-n", Ns, "--from-literal=mode=fast", "--from-literal=empty=");
        await CreateAsync("secret", "generic", "login", "-n", Ns, "--from-literal=password=p4ss w0rd");
        await CreateAsync("serviceaccount", "robot", "-n", Ns);

        var settings = await engine.Client.ReadNamespacedConfigMapAsync("settings", Ns);
        Assert.Equal(new Dictionary<string, string> { ["mode"] = "fast", ["empty"] = "" }, settings.Data);
        var login = await engine.Client.ReadNamespacedSecretAsync("login", Ns);
        Assert.Equal("Opaque", login.Type);
        Assert.Equal("p4ss w0rd", Encoding.UTF8.GetString(login.Data["password"]));
        Assert.Equal("robot", (await engine.Client.ReadNamespacedServiceAccountAsync("robot", Ns)).Metadata.Name);
    }

    [Fact]
    public async Task Create_deployment_keeps_zero_replicas_its_command_and_its_port()
    {
        await EnsureNamespaceAsync();

        await CreateAsync("deployment", "idle", "-n", Ns, "--image=kubeps/busybox:1", "--replicas=0", "--port=8080", "--", "sleep", "3600");

        var deployment = await engine.Client.ReadNamespacedDeploymentAsync("idle", Ns);
        Assert.Equal(0, deployment.Spec.Replicas);
        Assert.Equal("idle", deployment.Spec.Selector.MatchLabels["app"]);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal(("busybox", "kubeps/busybox:1"), (container.Name, container.Image));
        Assert.Equal(["sleep", "3600"], container.Command);
        Assert.Equal(8080, Assert.Single(container.Ports).ContainerPort);
        Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
        Assert.Equal(1, deployment.Metadata.Generation);
    }

    [Fact]
    public async Task Create_service_pdb_quota_and_priorityclass_keep_ports_int_or_strings_and_quantities()
    {
        await EnsureNamespaceAsync();

        await CreateAsync("service", "nodeport", "front", "-n", Ns, "--tcp=80:8080");
        await CreateAsync("poddisruptionbudget", "front", "-n", Ns, "--selector=app=front", "--min-available=50%");
        await CreateAsync("quota", "small", "-n", Ns, "--hard=pods=10,requests.cpu=1500m,requests.memory=2Gi");
        await CreateAsync("priorityclass", "proto-high", "--value=1000", "--description=urgent work");

        var service = await engine.Client.ReadNamespacedServiceAsync("front", Ns);
        Assert.Equal("NodePort", service.Spec.Type);
        var port = Assert.Single(service.Spec.Ports);
        Assert.Equal((80, "8080", "TCP"), (port.Port, port.TargetPort.Value, port.Protocol));
        Assert.InRange(port.NodePort!.Value, 30000, 32767);
        Assert.Equal("front", service.Spec.Selector["app"]);

        var budget = await engine.Client.ReadNamespacedPodDisruptionBudgetAsync("front", Ns);
        Assert.Equal("50%", budget.Spec.MinAvailable.Value);

        var quota = await engine.Client.ReadNamespacedResourceQuotaAsync("small", Ns);
        Assert.Equal(["10", "1500m", "2Gi"], new[] { "pods", "requests.cpu", "requests.memory" }.Select(r => quota.Spec.Hard[r].ToString()));

        var priority = await engine.Client.ReadPriorityClassAsync("proto-high");
        Assert.Equal((1000, "urgent work"), (priority.Value, priority.Description));
    }

    [Fact]
    public async Task Create_job_from_a_cronjob_copies_its_template_and_names_its_owner()
    {
        await EnsureNamespaceAsync();
        await CreateAsync("cronjob", "nightly", "-n", Ns, "--image=kubeps/busybox:1", "--schedule=0 3 * * *", "--", "echo", "hi");
        var cronJob = await engine.Client.ReadNamespacedCronJobAsync("nightly", Ns);
        Assert.Equal("0 3 * * *", cronJob.Spec.Schedule);

        await CreateAsync("job", "nightly-now", "-n", Ns, "--from=cronjob/nightly");

        var job = await engine.Client.ReadNamespacedJobAsync("nightly-now", Ns);
        Assert.Equal("manual", job.Metadata.Annotations["cronjob.kubernetes.io/instantiate"]);
        var owner = Assert.Single(job.Metadata.OwnerReferences);
        Assert.Equal(("CronJob", "nightly", cronJob.Metadata.Uid, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller));
        var template = job.Spec.Template.Spec;
        Assert.Equal(["echo", "hi"], Assert.Single(template.Containers).Command);
        Assert.Equal("OnFailure", template.RestartPolicy);
        Assert.Equal(cronJob.Spec.JobTemplate.Spec.Template.Spec.TerminationGracePeriodSeconds, template.TerminationGracePeriodSeconds);
    }
}
