using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubePS.Engine.Tests.Api;

/// <summary>What the admission tests share: resource amounts, and the message of a create refused with 403.</summary>
internal static class Admission
{
    public static async Task<string> RefusedAsync(Func<Task> create)
    {
        var refused = await Assert.ThrowsAsync<HttpOperationException>(create);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.Response.StatusCode);
        return KubernetesJson.Deserialize<V1Status>(refused.Response.Content).Message;
    }

    public static Dictionary<string, ResourceQuantity> Amounts(params (string Resource, string Amount)[] amounts) =>
        amounts.ToDictionary(a => a.Resource, a => new ResourceQuantity(a.Amount));
}
