using k8s.Models;

namespace KubePS.Engine.Scheduling.Plugins;

/// <summary>Prefers nodes that already hold the pod's images, by their size, as kube-scheduler's ImageLocality.</summary>
public sealed class ImageLocalityPlugin : IScorePlugin
{
    // Kubernetes' thresholds: images under 23 MB count for nothing, 1000 MB or more for everything.
    private const double MinBytes = 23 * 1024 * 1024;
    private const double MaxBytes = 1000.0 * 1024 * 1024;

    public string Name => "ImageLocality";

    public int Weight => 1;

    public double Score(V1Pod pod, NodeInfo node, ClusterSnapshot cluster)
    {
        if (node.Node.Status?.Images is not { Count: > 0 } images)
        {
            return 0;
        }

        var total = 0.0;
        foreach (var image in (pod.Spec.Containers ?? []).Select(c => c.Image).Distinct())
        {
            if (images.FirstOrDefault(i => i.Names?.Contains(image) == true || i.Names?.Contains(Normalized(image)) == true) is { } present)
            {
                // Spread: an image on every node helps no node more than another.
                var spread = cluster.Nodes.Count(n => (n.Node.Status?.Images ?? []).Any(i => i.Names?.Contains(image) == true)) / (double)Math.Max(1, cluster.Nodes.Count);
                total += (present.SizeBytes ?? 0) * spread;
            }
        }

        return Math.Clamp((total - MinBytes) / (MaxBytes - MinBytes), 0, 1) * 100;
    }

    private static string Normalized(string image) => image.Contains(':') || image.Contains('@') ? image : image + ":latest";
}
