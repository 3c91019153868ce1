using k8s.Models;
using KubePS.Core.Selectors;

namespace KubePS.Core.Validation;

/// <summary>The rules the controllers rely on: a selector that selects the template, a valid template, sane counts.</summary>
public static class WorkloadValidator
{
    private static readonly string[] JobRestartPolicies = ["OnFailure", "Never"];

    public static IEnumerable<FieldError> Validate(object obj) => obj switch
    {
        V1Deployment d => Workload(d.Spec?.Selector, d.Spec?.Template, d.Spec?.Replicas, "spec", "Always")
            .Concat(Strategy(d.Spec?.Strategy)),
        V1ReplicaSet rs => Workload(rs.Spec?.Selector, rs.Spec?.Template, rs.Spec?.Replicas, "spec", "Always"),
        V1StatefulSet sts => Workload(sts.Spec?.Selector, sts.Spec?.Template, sts.Spec?.Replicas, "spec", "Always"),
        V1DaemonSet ds => Workload(ds.Spec?.Selector, ds.Spec?.Template, 0, "spec", "Always"),
        V1Job job => Job(job.Spec, "spec"),
        V1CronJob cj => CronJob(cj),
        _ => [],
    };

    private static IEnumerable<FieldError> Workload(V1LabelSelector? selector, V1PodTemplateSpec? template, int? replicas, string at, string restartPolicy)
    {
        if (replicas < 0)
        {
            yield return FieldError.Invalid($"{at}.replicas", replicas.ToString(), "must be greater than or equal to 0");
        }

        if (selector is null || (selector.MatchLabels is not { Count: > 0 } && selector.MatchExpressions is not { Count: > 0 }))
        {
            yield return FieldError.Required($"{at}.selector");
        }

        if (template is null)
        {
            yield return FieldError.Required($"{at}.template");
            yield break;
        }

        LabelSelector? parsed = null;
        string? selectorProblem = null;
        try
        {
            parsed = LabelSelector.FromObject(selector);
        }
        catch (FormatException e)
        {
            selectorProblem = e.Message;
        }

        if (selectorProblem is not null)
        {
            yield return FieldError.Invalid($"{at}.selector", LabelSelector.Format(selector), selectorProblem);
        }
        else if (selector is not null && parsed is { IsEmpty: false } && !parsed.Matches(template.Metadata?.Labels))
        {
            var labels = string.Join(",", (template.Metadata?.Labels ?? new Dictionary<string, string>()).Select(l => $"{l.Key}:{l.Value}"));
            yield return FieldError.Invalid($"{at}.template.metadata.labels", $"map[{labels}]", "`selector` does not match template `labels`");
        }

        foreach (var error in ObjectValidator.ValidatePodSpec(template.Spec, $"{at}.template.spec"))
        {
            yield return error;
        }

        if (restartPolicy == "Always" && template.Spec?.RestartPolicy is { } policy && policy != "Always")
        {
            yield return FieldError.NotSupported($"{at}.template.spec.restartPolicy", policy, ["Always"]);
        }
    }

    private static IEnumerable<FieldError> Strategy(V1DeploymentStrategy? strategy)
    {
        if (strategy?.Type is { } type && type is not ("RollingUpdate" or "Recreate"))
        {
            yield return FieldError.NotSupported("spec.strategy.type", type, ["Recreate", "RollingUpdate"]);
        }

        if (strategy?.Type == "Recreate" && strategy.RollingUpdate is not null)
        {
            yield return FieldError.Forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
        }
    }

    private static IEnumerable<FieldError> Job(V1JobSpec? spec, string at)
    {
        if (spec is null)
        {
            yield return FieldError.Required(at);
            yield break;
        }

        if (spec.Template is null)
        {
            yield return FieldError.Required($"{at}.template");
            yield break;
        }

        foreach (var error in ObjectValidator.ValidatePodSpec(spec.Template.Spec, $"{at}.template.spec"))
        {
            yield return error;
        }

        if (spec.Template.Spec?.RestartPolicy is not ("OnFailure" or "Never"))
        {
            yield return spec.Template.Spec?.RestartPolicy is { } policy
                ? FieldError.NotSupported($"{at}.template.spec.restartPolicy", policy, JobRestartPolicies)
                : FieldError.Required($"{at}.template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\"");
        }

        if (spec.BackoffLimit < 0)
        {
            yield return FieldError.Invalid($"{at}.backoffLimit", spec.BackoffLimit.ToString(), "must be greater than or equal to 0");
        }

        if (spec.Parallelism < 0)
        {
            yield return FieldError.Invalid($"{at}.parallelism", spec.Parallelism.ToString(), "must be greater than or equal to 0");
        }

        if (spec.Completions < 0)
        {
            yield return FieldError.Invalid($"{at}.completions", spec.Completions.ToString(), "must be greater than or equal to 0");
        }
    }

    private static IEnumerable<FieldError> CronJob(V1CronJob cronJob)
    {
        var schedule = cronJob.Spec?.Schedule;
        if (string.IsNullOrWhiteSpace(schedule))
        {
            yield return FieldError.Required("spec.schedule");
        }
        else if (ScheduleError(schedule) is { } problem)
        {
            yield return FieldError.Invalid("spec.schedule", schedule, problem);
        }

        if (cronJob.Spec?.TimeZone is { } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            yield return FieldError.Invalid("spec.timeZone", zone, "unknown time zone " + zone);
        }

        foreach (var error in Job(cronJob.Spec?.JobTemplate?.Spec, "spec.jobTemplate.spec"))
        {
            yield return error;
        }
    }

    private static string? ScheduleError(string schedule)
    {
        try
        {
            Schedules.CronSchedule.Parse(schedule);
            return null;
        }
        catch (FormatException e)
        {
            return "unparseable schedule: " + e.Message;
        }
    }
}
