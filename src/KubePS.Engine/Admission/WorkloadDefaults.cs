using k8s.Models;

namespace KubePS.Engine.Admission;

/// <summary>Defaults of the apps/v1 and batch/v1 workloads and of their pod templates.</summary>
public static class WorkloadDefaults
{
    public static void Apply(object obj)
    {
        switch (obj)
        {
            case V1Deployment d:
                d.Spec ??= new V1DeploymentSpec();
                d.Spec.Replicas ??= 1;
                d.Spec.RevisionHistoryLimit ??= 10;
                d.Spec.ProgressDeadlineSeconds ??= 600;
                d.Spec.Strategy ??= new V1DeploymentStrategy();
                d.Spec.Strategy.Type ??= "RollingUpdate";
                if (d.Spec.Strategy.Type == "RollingUpdate")
                {
                    d.Spec.Strategy.RollingUpdate ??= new V1RollingUpdateDeployment();
                    d.Spec.Strategy.RollingUpdate.MaxSurge ??= "25%";
                    d.Spec.Strategy.RollingUpdate.MaxUnavailable ??= "25%";
                }

                Template(d.Spec.Template, "Always");
                break;
            case V1ReplicaSet rs:
                rs.Spec ??= new V1ReplicaSetSpec();
                rs.Spec.Replicas ??= 1;
                Template(rs.Spec.Template, "Always");
                break;
            case V1StatefulSet sts:
                sts.Spec ??= new V1StatefulSetSpec();
                sts.Spec.Replicas ??= 1;
                sts.Spec.PodManagementPolicy ??= "OrderedReady";
                sts.Spec.RevisionHistoryLimit ??= 10;
                sts.Spec.UpdateStrategy ??= new V1StatefulSetUpdateStrategy();
                sts.Spec.UpdateStrategy.Type ??= "RollingUpdate";
                if (sts.Spec.UpdateStrategy.Type == "RollingUpdate")
                {
                    sts.Spec.UpdateStrategy.RollingUpdate ??= new V1RollingUpdateStatefulSetStrategy();
                    sts.Spec.UpdateStrategy.RollingUpdate.Partition ??= 0;
                }

                sts.Spec.PersistentVolumeClaimRetentionPolicy ??= new V1StatefulSetPersistentVolumeClaimRetentionPolicy();
                sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted ??= "Retain";
                sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled ??= "Retain";
                Template(sts.Spec.Template, "Always");
                break;
            case V1DaemonSet ds:
                ds.Spec ??= new V1DaemonSetSpec();
                ds.Spec.RevisionHistoryLimit ??= 10;
                ds.Spec.UpdateStrategy ??= new V1DaemonSetUpdateStrategy();
                ds.Spec.UpdateStrategy.Type ??= "RollingUpdate";
                if (ds.Spec.UpdateStrategy.Type == "RollingUpdate")
                {
                    ds.Spec.UpdateStrategy.RollingUpdate ??= new V1RollingUpdateDaemonSet();
                    ds.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable ??= 1;
                    ds.Spec.UpdateStrategy.RollingUpdate.MaxSurge ??= 0;
                }

                Template(ds.Spec.Template, "Always");
                break;
            case V1Job job:
                DefaultJob(job);
                break;
            case V1CronJob cronJob:
                cronJob.Spec ??= new V1CronJobSpec();
                cronJob.Spec.ConcurrencyPolicy ??= "Allow";
                cronJob.Spec.Suspend ??= false;
                cronJob.Spec.SuccessfulJobsHistoryLimit ??= 3;
                cronJob.Spec.FailedJobsHistoryLimit ??= 1;
                Template(cronJob.Spec.JobTemplate?.Spec?.Template, "Always");
                break;
        }
    }

    // Like Kubernetes, a Job without manualSelector gets a selector on its own uid, stamped on its template.
    private static void DefaultJob(V1Job job)
    {
        var spec = job.Spec ??= new V1JobSpec();
        if (spec.Completions is null && spec.Parallelism is null)
        {
            spec.Completions = 1;
        }

        spec.Parallelism ??= 1;
        spec.BackoffLimit ??= 6;
        spec.CompletionMode ??= "NonIndexed";
        spec.Suspend ??= false;
        if (spec.ManualSelector != true && job.Metadata?.Uid is { } uid && spec.Selector is null)
        {
            spec.Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = uid } };
            if (spec.Template is not null)
            {
                spec.Template.Metadata ??= new V1ObjectMeta();
                spec.Template.Metadata.Labels ??= new Dictionary<string, string>();
                spec.Template.Metadata.Labels["batch.kubernetes.io/controller-uid"] = uid;
                spec.Template.Metadata.Labels["batch.kubernetes.io/job-name"] = job.Metadata.Name;
                spec.Template.Metadata.Labels["controller-uid"] = uid;
                spec.Template.Metadata.Labels["job-name"] = job.Metadata.Name;
            }
        }

        Template(spec.Template, "Always");
    }

    private static void Template(V1PodTemplateSpec? template, string restartPolicy)
    {
        if (template?.Spec is { } spec)
        {
            Defaulting.DefaultPodSpec(spec, restartPolicy);
        }
    }
}
