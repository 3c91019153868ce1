using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using KubePS.Module.Session;

namespace KubePS.Module.Completion;

/// <summary>
/// Names from the connected cluster for tab completion, matched against what the user typed. Each
/// list is kept for a few seconds, so pressing Tab again cycles without asking the server again; a
/// slow or failing server gives no completions, never an error at the prompt.
/// </summary>
internal static class CompletionSource
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan KeepFor = TimeSpan.FromSeconds(10);
    private static readonly ConcurrentDictionary<(KubeConnection, string), (DateTime At, IReadOnlyList<string> Names)> Cache = new();

    private static readonly Dictionary<string, string> NounKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["KubeLog"] = "Pod",
        ["KubeCommand"] = "Pod",
        ["KubePodMetric"] = "Pod",
        ["KubeNodeMetric"] = "Node",
    };

    /// <summary>
    /// Completions from a list of names; <paramref name="cacheKey"/> says which list (kind and
    /// namespace). The list comes from the context the command line names with -Context, else the session's.
    /// </summary>
    public static IEnumerable<CompletionResult> Complete(
        string wordToComplete, string cacheKey, IDictionary fakeBoundParameters, Func<KubeConnection, CancellationToken, Task<IEnumerable<string?>>> list)
    {
        if (ConnectionFor(fakeBoundParameters) is not { } connection)
        {
            return [];
        }

        var pattern = WildcardPattern.Get(wordToComplete + "*", WildcardOptions.IgnoreCase);
        if (NamesOf(connection, cacheKey, list) is not { } names)
        {
            return [];
        }

        return names.Where(pattern.IsMatch)
            .Select(n => new CompletionResult(CompletionText(n), n, CompletionResultType.ParameterValue, n))
            .ToList();
    }

    private static IReadOnlyList<string>? NamesOf(
        KubeConnection connection, string cacheKey, Func<KubeConnection, CancellationToken, Task<IEnumerable<string?>>> list)
    {
        if (Cache.TryGetValue((connection, cacheKey), out var cached) && DateTime.UtcNow - cached.At < KeepFor)
        {
            return cached.Names;
        }

        try
        {
            using var timeout = new CancellationTokenSource(Budget);

            // PowerShell asks completers synchronously; the budget keeps a slow server from freezing the prompt.
            var names = Task.Run(() => list(connection, timeout.Token), timeout.Token).GetAwaiter().GetResult()
                .OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
            Cache[(connection, cacheKey)] = (DateTime.UtcNow, names);
            return names;
        }
        catch (Exception)
        {
            // A completer must never throw at the prompt: an unreachable server, an unknown kind or a
            // refused list all mean "nothing to offer".
            return null;
        }
    }

    /// <summary>The kind a command works on: its -Kind when it has one (Get-KubeObject), else its noun (Get-KubePod → Pod).</summary>
    public static string KindOf(string commandName, IDictionary fakeBoundParameters)
    {
        var noun = commandName[(commandName.IndexOf('-', StringComparison.Ordinal) + 1)..];
        return fakeBoundParameters["Kind"] as string
            ?? (NounKinds.TryGetValue(noun, out var known) ? known : noun.StartsWith("Kube", StringComparison.OrdinalIgnoreCase) ? noun[4..] : noun);
    }

    private static KubeConnection? ConnectionFor(IDictionary fakeBoundParameters)
    {
        try
        {
            return fakeBoundParameters["Context"] is string context ? KubeSession.ForContext(context) : KubeSession.Current;
        }
        catch (Exception)
        {
            // An unknown context or an unreadable kubeconfig: nothing to complete from.
            return null;
        }
    }

    // Names with characters PowerShell would split on are quoted, as its own completers do.
    private static string CompletionText(string name) =>
        name.Any(c => char.IsWhiteSpace(c) || c is '$' or '`' or '\'' or '"' or '(' or ')' or ';' or ',' or '&' or '|' or '{' or '}')
            ? "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'"
            : name;
}
