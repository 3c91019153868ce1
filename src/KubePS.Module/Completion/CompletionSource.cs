using System.Management.Automation;
using k8s;
using KubePS.Module.Session;

namespace KubePS.Module.Completion;

/// <summary>Names from the connected cluster for tab completion, matched against what the user typed.</summary>
internal static class CompletionSource
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public static IEnumerable<CompletionResult> Complete(
        string wordToComplete, Func<IKubernetes, CancellationToken, Task<IEnumerable<string?>>> list)
    {
        if (KubeSession.Current is not { } connection)
        {
            return [];
        }

        var pattern = WildcardPattern.Get(wordToComplete + "*", WildcardOptions.IgnoreCase);
        try
        {
            using var timeout = new CancellationTokenSource(Budget);

            // PowerShell asks completers synchronously; the budget keeps a slow server from freezing the prompt.
            var names = Task.Run(() => list(connection.Client, timeout.Token), timeout.Token).GetAwaiter().GetResult();
            return names.OfType<string>().Where(pattern.IsMatch).Order(StringComparer.Ordinal)
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n))
                .ToList();
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or k8s.Autorest.HttpOperationException)
        {
            return [];
        }
    }
}
