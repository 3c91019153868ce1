using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using k8s;
using KubePS.Core.Kinds;
using KubePS.Module.Session;

namespace KubePS.Module.Completion;

/// <summary>
/// Completes object names for any Kube cmdlet: the kind comes from the command's noun (Get-KubePod →
/// Pod; Get-KubeLog reads pods), the namespace from -Namespace when already typed.
/// </summary>
public sealed class ObjectNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var noun = commandName[(commandName.IndexOf('-', StringComparison.Ordinal) + 1)..];
        var kind = noun.Equals("KubeLog", StringComparison.OrdinalIgnoreCase)
            ? KindRegistry.Pod
            : KindRegistry.Resolve(noun.StartsWith("Kube", StringComparison.OrdinalIgnoreCase) ? noun[4..] : noun);
        var ns = fakeBoundParameters["Namespace"] as string ?? KubeSession.Current?.Namespace ?? WellKnown.DefaultNamespace;
        Func<IKubernetes, CancellationToken, Task<IEnumerable<string?>>>? list = kind?.Kind switch
        {
            "Pod" => async (c, ct) => (await c.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: ct)).Items.Select(p => p.Metadata?.Name),
            "Node" => async (c, ct) => (await c.CoreV1.ListNodeAsync(cancellationToken: ct)).Items.Select(n => n.Metadata?.Name),
            "Namespace" => async (c, ct) => (await c.CoreV1.ListNamespaceAsync(cancellationToken: ct)).Items.Select(n => n.Metadata?.Name),
            _ => null,
        };
        return list is null ? [] : CompletionSource.Complete(wordToComplete, list);
    }
}
