using k8s.Models;
using KubePS.Core.Printing;
using static KubePS.Core.Kinds.KindBuilder;

namespace KubePS.Core.Kinds;

public static partial class KindRegistry
{
    public static readonly KindInfo Job = Kind<V1Job>(
        "batch", "v1", "Job", "jobs", namespaced: true, subresources: ["status"], inAll: true,
        columns: [Name, Col("Status"), Col("Completions"), Col("Duration"), Age, Col("Containers", 1), Col("Images", 1), Col("Selector", 1)],
        row: (job, now) =>
        [
            job.Metadata.Name, JobStatus(job), $"{job.Status?.Succeeded ?? 0}/{job.Spec?.Completions ?? 1}",
            job.Status?.StartTime is { } start ? HumanDuration.Format((job.Status.CompletionTime ?? now) - start) : "",
            AgeOf(job, now), Containers(job.Spec?.Template), Images(job.Spec?.Template), Selector(job.Spec?.Selector),
        ]) with { FieldLabels = ["status.successful"] };

    public static readonly KindInfo CronJob = Kind<V1CronJob>(
        "batch", "v1", "CronJob", "cronjobs", namespaced: true, ["cj"], ["status"], inAll: true,
        columns: [Name, Col("Schedule"), Col("Timezone"), Col("Suspend"), Col("Active"), Col("Last Schedule"), Age],
        row: (cj, now) =>
        [
            cj.Metadata.Name, cj.Spec?.Schedule ?? "", OrNone(cj.Spec?.TimeZone), cj.Spec?.Suspend == true ? "True" : "False",
            Count(cj.Status?.Active), cj.Status?.LastScheduleTime is { } last ? HumanDuration.Age(last, now) : "<none>", AgeOf(cj, now),
        ]);

    private static IEnumerable<KindInfo> BatchKinds => [Job, CronJob];

    private static string JobStatus(V1Job job) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Status == "True" && c.Type is "Complete" or "Failed" or "Suspended") is { } c
            ? c.Type
            : "Running";
}
