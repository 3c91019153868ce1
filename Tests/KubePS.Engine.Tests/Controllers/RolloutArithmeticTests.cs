using k8s.Models;
using KubePS.Engine.Controllers;

namespace KubePS.Engine.Tests.Controllers;

public sealed class RolloutArithmeticTests
{
    [Theory]
    [InlineData("25%", "25%", 10, 3, 2)]
    [InlineData("1", "0", 4, 1, 0)]
    [InlineData("0", "0", 4, 0, 1)]
    [InlineData("50%", "50%", 3, 2, 1)]
    public void Surge_rounds_up_and_unavailable_rounds_down(string surge, string unavailable, int replicas, int expectedSurge, int expectedUnavailable) =>
        Assert.Equal((expectedSurge, expectedUnavailable), RolloutArithmetic.Limits(surge, unavailable, replicas));

    [Fact]
    public void The_new_replica_set_grows_only_into_the_surge_room()
    {
        Assert.Equal(1, RolloutArithmetic.NewReplicaSetSize(replicas: 4, surge: 1, newReplicas: 0, allReplicas: 4));
        Assert.Equal(1, RolloutArithmetic.NewReplicaSetSize(replicas: 4, surge: 1, newReplicas: 1, allReplicas: 5));
        Assert.Equal(4, RolloutArithmetic.NewReplicaSetSize(replicas: 4, surge: 1, newReplicas: 6, allReplicas: 6));
    }

    [Fact]
    public void Old_replica_sets_lose_unavailable_pods_first_and_available_ones_only_down_to_the_minimum()
    {
        var newSet = new ReplicaSetCounts("new", 1, 0, DateTime.UtcNow);
        var old = new[] { new ReplicaSetCounts("old", 4, 4, DateTime.UtcNow.AddMinutes(-1)) };
        Assert.Equal(3, RolloutArithmetic.OldReplicaSetSizes(4, 1, newSet, old)["old"]);

        var unhealthy = new[] { new ReplicaSetCounts("old", 4, 2, DateTime.UtcNow.AddMinutes(-1)) };
        Assert.Equal(2, RolloutArithmetic.OldReplicaSetSizes(4, 1, newSet with { Available = 1 }, unhealthy)["old"]);
    }

    [Fact]
    public void Equivalent_templates_hash_alike_whatever_their_cosmetic_differences()
    {
        var stored = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web", ["pod-template-hash"] = "abc" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i:1" }] },
        };
        var sentBack = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i:1", Resources = new V1ResourceRequirements() }] },
        };
        var changed = new V1PodTemplateSpec { Metadata = sentBack.Metadata, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i:2" }] } };

        Assert.True(PodTemplateHash.Equivalent(stored, sentBack));
        Assert.Equal(PodTemplateHash.Compute(stored, null), PodTemplateHash.Compute(sentBack, null));
        Assert.False(PodTemplateHash.Equivalent(stored, changed));
        Assert.NotEqual(PodTemplateHash.Compute(stored, null), PodTemplateHash.Compute(changed, null));
        Assert.NotEqual(PodTemplateHash.Compute(stored, null), PodTemplateHash.Compute(stored, 1));
        Assert.Equal(PodTemplateHash.Compute(stored, null), PodTemplateHash.Compute(stored, 0));
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]+$", PodTemplateHash.Compute(stored, null));
    }
}
