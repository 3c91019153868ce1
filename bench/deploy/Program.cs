using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using k8s;
using k8s.Models;
using KubePS.Bench;

// Deployments end to end: from creating a Deployment of N replicas to N Running pods, and a rolling
// update of M replicas to a new image, each next to the same work on Docker Swarm and next to the
// floor this machine sets, the same containers (a sandbox and an app container per pod) started
// straight through the Docker API, all at once as the node service starts them.
var replicas = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
var updated = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
var output = args.Length > 2 ? args[2] : Path.Combine(AppContext.BaseDirectory, "deploy.md");
var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3;
const string Image = "kubeps/busybox:1";
const string NewImage = "kubeps/busybox:2";
string[] serve = ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"];

await using var cluster = await BenchCluster.StartAsync();
await cluster.Docker.Images.TagImageAsync(Image, new ImageTagParameters { RepositoryName = "kubeps/busybox", Tag = "2" });

// Warm every path once, unmeasured.
await CreateAndWaitAsync(cluster, "warm", 2, serve);
await RemoveDeploymentAsync(cluster, "warm");
await Floor.StartPodsAsync(cluster.Docker, "warm", 2, Image, serve).ContinueWith(t => Floor.RemoveAsync(cluster.Docker, t.Result)).Unwrap();

// Each measurement runs `rounds` times, interleaved, and the median counts: this machine's timings vary by a fifth from run to run.
var kubeCreates = new List<TimeSpan>();
var kubeUpdates = new List<TimeSpan>();
var floorCreates = new List<TimeSpan>();
var floorUpdates = new List<TimeSpan>();
var swarmRuns = new List<(TimeSpan Create, TimeSpan Update)>();
for (var round = 0; round < rounds; round++)
{
    kubeCreates.Add(await CreateAndWaitAsync(cluster, "bench", replicas, serve));
    await RemoveDeploymentAsync(cluster, "bench");

    await CreateAndWaitAsync(cluster, "roll", updated, serve);
    kubeUpdates.Add(await RollAsync(cluster, "roll"));
    await RemoveDeploymentAsync(cluster, "roll");

    var clock = Stopwatch.StartNew();
    var floorPods = await Floor.StartPodsAsync(cluster.Docker, "create", replicas, Image, serve);
    floorCreates.Add(clock.Elapsed);
    await Floor.RemoveAsync(cluster.Docker, floorPods);

    var oldPods = await Floor.StartPodsAsync(cluster.Docker, "old", updated, Image, serve);
    clock.Restart();
    await Task.WhenAll(Floor.StartPodsAsync(cluster.Docker, "new", updated, NewImage, serve).ContinueWith(t => floorPods = t.Result), Floor.RemoveAsync(cluster.Docker, oldPods));
    floorUpdates.Add(clock.Elapsed);
    await Floor.RemoveAsync(cluster.Docker, floorPods);

    if (await Swarm.RunAsync(cluster.Docker, replicas, updated, Image, NewImage, serve) is { } run)
    {
        swarmRuns.Add(run);
    }
}

var kubeCreate = Median(kubeCreates);
var kubeUpdate = Median(kubeUpdates);
var floorCreate = Median(floorCreates);
var floorUpdate = Median(floorUpdates);
(TimeSpan Create, TimeSpan Update)? swarm = swarmRuns.Count == 0 ? null : (Median(swarmRuns.Select(r => r.Create)), Median(swarmRuns.Select(r => r.Update)));

var dockerVersion = (await cluster.Docker.System.GetVersionAsync()).Version;
var report = new StringBuilder()
    .AppendLine("# Deployment benchmark").AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, "
        + $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, Docker {dockerVersion}; "
        + $"image {Image}; one node service (its own process), the engine in this process; the median of {rounds} rounds. Each time runs from the request to every pod "
        + $"Running (or, for the update, to the rollout being complete with every old pod gone).").AppendLine()
    .AppendLine("| | KubePS s | Docker Swarm s | floor s | KubePS / Swarm | KubePS / floor |")
    .AppendLine("|---|---:|---:|---:|---:|---:|")
    .AppendLine(Row($"create a Deployment of {replicas} replicas", kubeCreate, swarm?.Create, floorCreate))
    .AppendLine(Row($"rolling update of {updated} replicas", kubeUpdate, swarm?.Update, floorUpdate))
    .AppendLine()
    .AppendLine("Swarm: `docker service create --no-resolve-image --replicas N` and `docker service update --no-resolve-image --image` with its defaults "
        + "(one task at a time, stop-first); KubePS: the Deployment defaults (maxSurge 25%, maxUnavailable 25%). "
        + "Floor: per pod a sandbox container and an app container joined to its network, created and started through the Docker API, every pod at once; "
        + "for the update, the new pods started while the old ones are stopped and removed.")
    .AppendLine()
    .AppendLine(swarm is null ? $"Docker Swarm was not measured: {Swarm.WhyNot}" : "Targets: no slower than Swarm; within 1.2× of the floor.");
Console.Write(report);
await File.WriteAllTextAsync(output, report.ToString());
Console.WriteLine($"written to {output}");

static TimeSpan Median(IEnumerable<TimeSpan> times) => times.Order().ElementAt(times.Count() / 2);

static string Row(string what, TimeSpan kube, TimeSpan? swarm, TimeSpan floor)
{
    var invariant = CultureInfo.InvariantCulture;
    var swarmSeconds = swarm is { } s ? s.TotalSeconds.ToString("F1", invariant) : "–";
    var versusSwarm = swarm is { } t ? (kube / t).ToString("F2", invariant) + "×" : "–";
    return $"| {what} | {kube.TotalSeconds.ToString("F1", invariant)} | {swarmSeconds} | {floor.TotalSeconds.ToString("F1", invariant)} | {versusSwarm} | {(kube / floor).ToString("F2", invariant)}× |";
}

static V1Deployment Deployment(string name, int replicas, string[] command) => new()
{
    Metadata = new V1ObjectMeta { Name = name },
    Spec = new V1DeploymentSpec
    {
        Replicas = replicas,
        Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
        Template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = Image, Command = command }] },
        },
    },
};

static async Task<List<V1Pod>> RunningPodsAsync(Kubernetes client, string app) =>
    (await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: $"app={app}")).Items
        .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase == "Running").ToList();

static async Task<TimeSpan> CreateAndWaitAsync(BenchCluster cluster, string name, int replicas, string[] command)
{
    var clock = Stopwatch.StartNew();
    await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(name, replicas, command), "default");
    await BenchCluster.WaitAsync(async () => (await RunningPodsAsync(cluster.Client, name)).Count == replicas, seconds: 300);
    return clock.Elapsed;
}

static async Task<TimeSpan> RollAsync(BenchCluster cluster, string name)
{
    var client = cluster.Client;
    var clock = Stopwatch.StartNew();
    await client.AppsV1.PatchNamespacedDeploymentAsync(
        new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"kubeps/busybox:2"}]}}}}""", V1Patch.PatchType.StrategicMergePatch), name, "default");
    await BenchCluster.WaitAsync(async () =>
    {
        var d = await client.AppsV1.ReadNamespacedDeploymentAsync(name, "default");
        var pods = (await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: $"app={name}")).Items;
        return d.Status is { } s && s.ObservedGeneration >= d.Metadata.Generation && s.UpdatedReplicas == d.Spec.Replicas
            && s.AvailableReplicas == d.Spec.Replicas && s.Replicas == d.Spec.Replicas
            && pods.Count == d.Spec.Replicas && pods.All(p => p.Status?.Phase == "Running" && p.Spec.Containers[0].Image == "kubeps/busybox:2");
    }, seconds: 300);
    return clock.Elapsed;
}

static async Task RemoveDeploymentAsync(BenchCluster cluster, string name)
{
    await cluster.Client.AppsV1.DeleteNamespacedDeploymentAsync(name, "default");
    await BenchCluster.WaitAsync(async () => (await cluster.Client.CoreV1.ListNamespacedPodAsync("default")).Items.Count == 0, seconds: 180);
    await cluster.WaitForNoContainersAsync();
}

/// <summary>The same containers as the node service's pods, straight through the Docker API.</summary>
internal static class Floor
{
    public static async Task<List<string>> StartPodsAsync(DockerClient docker, string prefix, int count, string image, string[] command)
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var sandbox = await RunAsync(docker, $"floor-{prefix}-{i}-sandbox", "kubeps/busybox:1", ["sleep", "2147483647"], null);
            var app = await RunAsync(docker, $"floor-{prefix}-{i}-app", image, command, $"container:{sandbox}");
            return new[] { app, sandbox };
        }));
        return ids.SelectMany(i => i).ToList();
    }

    // App containers first, then their sandboxes, as the node service stops a pod.
    public static async Task RemoveAsync(DockerClient docker, List<string> ids)
    {
        await Task.WhenAll(ids.Where((_, i) => i % 2 == 0).Select(id => StopAndRemoveAsync(docker, id)));
        await Task.WhenAll(ids.Where((_, i) => i % 2 == 1).Select(id => StopAndRemoveAsync(docker, id)));
    }

    private static async Task StopAndRemoveAsync(DockerClient docker, string id)
    {
        await docker.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = 30 });
        await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
    }

    private static async Task<string> RunAsync(DockerClient docker, string name, string image, string[] command, string? network)
    {
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"{name}-{Guid.NewGuid():N}"[..48],
            Image = image,
            Cmd = command,
            HostConfig = new HostConfig { Init = true, NetworkMode = network, IpcMode = network ?? "shareable" },
        });
        await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        return created.ID;
    }
}

/// <summary>
/// The same work on Docker Swarm, on this machine's engine. Swarm's agent pulls a service's image
/// before every task unless dockerd runs with DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1, and nothing
/// here may reach a registry: without that setting Swarm is not measured.
/// </summary>
internal static class Swarm
{
    public static string WhyNot { get; private set; } = "";

    public static async Task<(TimeSpan Create, TimeSpan Update)?> RunAsync(DockerClient docker, int replicas, int updated, string image, string newImage, string[] command)
    {
        if (SwarmHost.WhyUnavailable() is { } why)
        {
            WhyNot = why;
            return null;
        }

        var joined = await SwarmHost.JoinAsync(docker);

        try
        {
            var create = await TimeServiceAsync(docker, "kubeps-bench-create", replicas, image, command);
            await RemoveServiceAsync(docker, "kubeps-bench-create");

            await TimeServiceAsync(docker, "kubeps-bench-update", updated, image, command);
            var clock = Stopwatch.StartNew();
            await SwarmHost.CliAsync("service", "update", "--detach", "--no-resolve-image", "--image", newImage, "kubeps-bench-update");
            await BenchCluster.WaitAsync(async () =>
            {
                var service = (await docker.Swarm.ListServicesAsync(new ServicesListParameters())).Single(s => s.Spec.Name == "kubeps-bench-update");
                var tasks = await RunningTasksAsync(docker, "kubeps-bench-update");
                return service.UpdateStatus?.State == "completed" && tasks.Count == updated && tasks.All(t => t.Spec.ContainerSpec.Image == newImage);
            }, seconds: 600);
            var update = clock.Elapsed;
            await RemoveServiceAsync(docker, "kubeps-bench-update");
            return (create, update);
        }
        finally
        {
            await SwarmHost.LeaveAsync(joined);
        }
    }

    private static async Task<TimeSpan> TimeServiceAsync(DockerClient docker, string name, int replicas, string image, string[] command)
    {
        var clock = Stopwatch.StartNew();
        await SwarmHost.CliAsync(["service", "create", "--detach", "--no-resolve-image", "--name", name, "--replicas", replicas.ToString(CultureInfo.InvariantCulture), image, .. command]);
        await BenchCluster.WaitAsync(async () => (await RunningTasksAsync(docker, name)).Count == replicas, seconds: 600);
        return clock.Elapsed;
    }

    private static async Task<List<TaskResponse>> RunningTasksAsync(DockerClient docker, string service) =>
        (await docker.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["service"] = new Dictionary<string, bool> { [service] = true },
                ["desired-state"] = new Dictionary<string, bool> { ["running"] = true },
            },
        })).Where(t => t.Status.State == TaskState.Running).ToList();

    private static async Task RemoveServiceAsync(DockerClient docker, string name)
    {
        await SwarmHost.CliAsync("service", "rm", name);
        var label = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"com.docker.swarm.service.name={name}"] = true } };
        await BenchCluster.WaitAsync(async () => (await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = label })).Count == 0, seconds: 180);
    }
}
