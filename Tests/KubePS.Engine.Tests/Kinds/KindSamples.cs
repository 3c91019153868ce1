using System.Text.Json.Nodes;
using KubePS.Core.Kinds;

namespace KubePS.Engine.Tests.Kinds;

/// <summary>A small valid object of every kind the engine serves, as a client would send it.</summary>
public static class KindSamples
{
    private const string Template =
        """{"metadata":{"labels":{"app":"sample"}},"spec":{"schedulerName":"manual","containers":[{"name":"app","image":"kubeps/busybox:1","command":["sleep","3600"]}]}}""";

    private const string JobTemplate =
        """{"metadata":{"labels":{"app":"sample"}},"spec":{"restartPolicy":"Never","containers":[{"name":"app","image":"kubeps/busybox:1","command":["true"]}]}}""";

    private static readonly Dictionary<string, string> Specs = new()
    {
        ["Namespace"] = "{}",
        ["Node"] = "{}",
        ["Pod"] = """{"spec":{"schedulerName":"manual","containers":[{"name":"app","image":"kubeps/busybox:1"}]}}""",
        ["Event"] = """{"involvedObject":{"kind":"Pod","name":"x","namespace":"default"},"reason":"Tested","message":"hello","type":"Normal"}""",
        ["Service"] = """{"spec":{"selector":{"app":"sample"},"ports":[{"port":80}]}}""",
        ["Endpoints"] = """{"subsets":[{"addresses":[{"ip":"10.1.0.5"}],"ports":[{"port":80}]}]}""",
        ["ConfigMap"] = """{"data":{"key":"value"}}""",
        ["Secret"] = """{"stringData":{"password":"s3cret"}}""",
        ["PersistentVolume"] = """{"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/tmp/pv"}}}""",
        ["PersistentVolumeClaim"] = """{"spec":{"storageClassName":"sample","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}""",
        ["ServiceAccount"] = "{}",
        ["ResourceQuota"] = """{"spec":{"hard":{"pods":"10"}}}""",
        ["LimitRange"] = """{"spec":{"limits":[{"type":"Container","default":{"cpu":"500m"}}]}}""",
        ["Deployment"] = $$$"""{"spec":{"selector":{"matchLabels":{"app":"sample"}},"template":{{{Template}}}}}""",
        ["ReplicaSet"] = $$$"""{"spec":{"replicas":0,"selector":{"matchLabels":{"app":"sample"}},"template":{{{Template}}}}}""",
        ["StatefulSet"] = $$$"""{"spec":{"replicas":0,"serviceName":"sample","selector":{"matchLabels":{"app":"sample"}},"template":{{{Template}}}}}""",
        ["DaemonSet"] = $$$"""{"spec":{"selector":{"matchLabels":{"app":"sample"}},"template":{{{Template}}}}}""",
        ["ControllerRevision"] = """{"revision":1,"data":{"spec":{}}}""",
        ["Job"] = $$$"""{"spec":{"suspend":true,"template":{{{JobTemplate}}}}}""",
        ["CronJob"] = """{"spec":{"schedule":"*/5 * * * *","suspend":true,"jobTemplate":{"spec":{"template":""" + JobTemplate + "}}}}",
        ["HorizontalPodAutoscaler"] = """{"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":3}}""",
        ["Lease"] = """{"spec":{"holderIdentity":"me","leaseDurationSeconds":15}}""",
        ["EndpointSlice"] = """{"addressType":"IPv4","endpoints":[{"addresses":["10.1.0.5"]}],"ports":[{"port":80}]}""",
        ["PodDisruptionBudget"] = """{"spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"sample"}}}}""",
        ["PriorityClass"] = """{"value":1000,"description":"sample"}""",
        ["StorageClass"] = """{"provisioner":"example.com/sample","reclaimPolicy":"Retain"}""",
    };

    public static IEnumerable<object[]> Kinds() => KindRegistry.All.Select(k => new object[] { k.Kind });

    public static JsonObject Create(KindInfo kind, string name)
    {
        var obj = JsonNode.Parse(Specs[kind.Kind])!.AsObject();
        obj["apiVersion"] = kind.ApiVersion;
        obj["kind"] = kind.Kind;
        obj["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["sample"] = "yes", ["kind"] = kind.Plural } };
        return obj;
    }
}
