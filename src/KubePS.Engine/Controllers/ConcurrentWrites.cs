using KubePS.Engine.Api;

namespace KubePS.Engine.Controllers;

/// <summary>What controllers do with writes that lose a race with other writers.</summary>
internal static class ConcurrentWrites
{
    /// <summary>
    /// Runs a write and lets a 404 or 409 pass: the object went away or changed meanwhile, which is
    /// normal beside other writers, and the controller's next pass starts from the new state.
    /// </summary>
    public static async Task TolerateRaceAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
        }
    }
}
