using System.Text.Json.Nodes;

namespace KubePS.Module.Manifests;

/// <summary>Removes from a live object what the server set, leaving what a user would write in a manifest.</summary>
public static class ManifestCleaner
{
    private static readonly string[] ServerMetadata =
    [
        "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
        "managedFields", "selfLink", "ownerReferences",
    ];

    private static readonly string[] ServerAnnotations = [LastApplied.Annotation, "deployment.kubernetes.io/revision"];

    public static JsonObject Clean(JsonObject live)
    {
        var clean = (JsonObject)live.DeepClone();
        clean.Remove("status");
        if (clean["metadata"] is JsonObject metadata)
        {
            foreach (var field in ServerMetadata)
            {
                metadata.Remove(field);
            }

            if (metadata["annotations"] is JsonObject annotations)
            {
                foreach (var annotation in ServerAnnotations)
                {
                    annotations.Remove(annotation);
                }

                if (annotations.Count == 0)
                {
                    metadata.Remove("annotations");
                }
            }
        }

        if ((string?)clean["kind"] == "Service" && clean["spec"] is JsonObject service && (string?)service["clusterIP"] != "None")
        {
            // Allocated by the cluster: another cluster allocates its own.
            service.Remove("clusterIP");
            service.Remove("clusterIPs");
        }

        if ((string?)clean["kind"] == "Pod" && clean["spec"] is JsonObject pod)
        {
            pod.Remove("nodeName");
        }

        return clean;
    }

}
