namespace KubePS.Module;

/// <summary>Every user-facing string of the module, in one place.</summary>
internal static class Messages
{
    public const string NotConnected =
        "Not connected to a cluster. Run Start-KubeCluster -DataPath <folder> or Connect-KubeCluster -KubeConfig <path> first.";

    public const string NoDataPath =
        "No data folder given and none started in this session. Pass -DataPath <folder>.";

    public const string StartActivity = "Starting KubePS cluster";
    public const string StopActivity = "Stopping KubePS cluster";
    public const string WaitingForApi = "Waiting for the API server to answer /readyz";
    public const string WaitingForNodes = "Waiting for the nodes to be Ready";
    public const string RemoveActivity = "Removing";

    public static string ConnectionFailed(string detail) => $"Cannot reach the API server: {detail}";

    public static string ServerAnswered(int code, string reason) => $"The API server answered {code} {reason}.";

    public static string ComponentMissing(string path) =>
        $"The module folder lacks {path}. Run ./build.ps1 -Task Build to lay out the module with the engine and node service.";

    public static string ProcessExited(string what, string logPath, string logTail) =>
        $"The process exited while waiting for {what}. Last lines of {logPath}:{Environment.NewLine}{logTail}";

    public static string ImageArchiveMissing(string path) => $"The image archive {path} does not exist.";

    public static string ImageImportFailed(string node, string detail) => $"Node {node} could not load the images: {detail}";

    public static string TimedOut(string what, TimeSpan after) => $"Timed out after {after.TotalSeconds:0} s waiting for {what}.";

    public static string StoppingProcess(string what, int pid) => $"Stopping {what} (process {pid}).";

    public static string KilledProcess(string what, int pid) => $"The {what} (process {pid}) did not stop in time and was killed.";

    public static string AlreadyRunning(string what, int pid) => $"The {what} already runs (process {pid}).";

    public static string StartedProcess(string what, int pid) => $"Started the {what} (process {pid}).";

    public static string PortIgnored(int running, int requested) =>
        $"The engine already runs on port {running}; -Port {requested} is ignored until Stop-KubeCluster.";

    public static string NodeStatus(string name) => $"Node {name}";

    public static string WaitingForRemoval(string target) => $"Waiting until {target} is gone";

    public static string Connected(string server, string version) => $"Connected to {server} (Kubernetes {version}).";

    public static string ObjectTarget(string kind, string? ns, string name) => ns is null ? $"{kind} {name}" : $"{kind} {ns}/{name}";

    public static string DrainActivity(string node) => $"Draining node {node}";

    public static string PodsLeft(int count) => $"{count} pod(s) left to evict";

    public static string Evicted(string ns, string name) => $"evicted pod {ns}/{name}";

    public static string UnmanagedPods(string node, IEnumerable<string> pods) =>
        $"Node {node} runs pods that no controller manages and would not be recreated: {string.Join(", ", pods)}. Use -Force to delete them.";

    public static string InvalidYaml(string why) => $"The text is not Kubernetes YAML: {why}";

    public static string NotAKubernetesObject(string type) => $"{type} is not a Kubernetes object; pipe objects from Get-Kube cmdlets or ConvertFrom-KubeYaml.";

    public static string NotFound(string resource, string name) => $"{resource} \"{name}\" not found";

    public static string UnknownKind(string name) => $"The server serves no kind named \"{name}\"; Get-KubeObject -Kind completes the kinds it serves.";

    public static string UnknownApiKind(string apiVersion, string kind) => $"The server serves no kind \"{kind}\" in \"{apiVersion}\".";

    public static string WatchFailed(string why) => $"The watch ended with an error: {why}";

    public static string ManifestMissing(string path) => $"No manifest file or folder at {path}.";

    public static string NotAManifestObject(string source) => $"{source}: every document must be a Kubernetes object with apiVersion and kind.";

    public static string ManifestObjectUnnamed(string source, string kind) => $"{source}: the {kind} has no metadata.name; applying needs a name (generateName cannot be applied).";

    public static string InvalidManifest(string why) => $"The manifests were not applied: {why}";

    public static string NamespaceMismatch(string own, string given) =>
        $"the namespace from the provided object \"{own}\" does not match the namespace \"{given}\". You must pass '-Namespace {own}' to perform this operation.";

    public const string PipelineSource = "(pipeline)";

    public const string ApplyActivity = "Applying manifests";

    public static string ApplyStatus(int done, int total) => $"{done} of {total} object(s)";

    public const string LeaveUnchanged = "Leave unchanged";

    public const string CreateOperation = "Create";

    public static string UpdateOperation(IReadOnlyList<string> fields) =>
        fields.Count == 0 ? "Update (the last-applied annotation only)" : $"Update ({string.Join(", ", fields)})";

    public static string FileExists(string path) => $"The file {path} exists; -Force overwrites it.";

    public const string NoKubeConfig = "No kubeconfig file: $env:KUBECONFIG names none that exists and ~/.kube/config does not exist. Pass -KubeConfig, or -Server and -Token.";

    public const string NameOrNamespaceRequired = "Name a context, a namespace, or both.";

    public static string ImportActivity(string file) => $"Loading {file} into the nodes";

    public static string ImportStatus(string node, int done, int total) => $"node {node} ({done + 1} of {total})";

    public static string InvalidTaint(string text) => $"\"{text}\" is not a taint: write key=value:Effect or key:Effect, Effect one of NoSchedule, PreferNoSchedule, NoExecute.";

    public static string WaitPodActivity(string ns, string name, string condition) => $"Waiting for pod {ns}/{name} to be {condition}";

    public static string PodFailed(string ns, string name, string status) => $"Pod {ns}/{name} failed ({status}).";

    public static string WrongKind(string given, string expected) => $"The object is a {given}; this cmdlet creates a {expected}.";

    public static string NotFoundAnywhere(string kind, string name) => $"{kind} \"{name}\" not found in any namespace";

    public static string NamespaceTarget(string name) => $"namespace {name}";

    public static string ContainerRequired(string names) => $"The pod template has several containers ({names}); name one with -Container.";

    public static string NoSuchContainer(string name, string names) => $"The pod template has no container \"{name}\"; it has {names}.";

    public const string RolloutActivity = "Waiting for rollout";

    public static string RevisionNotFound(string deployment, long revision) => $"Deployment \"{deployment}\" has no revision {revision}.";

    public static string NoPreviousRevision(string deployment) => $"Deployment \"{deployment}\" has no previous revision to roll back to.";

    public static string RolloutUnchanged(string deployment, long revision) =>
        $"Skipped the rollback of deployment \"{deployment}\": its template already matches revision {revision}.";

    public static string RolloutDeadlineExceeded(string deployment) => $"Deployment \"{deployment}\" exceeded its progress deadline.";
}
