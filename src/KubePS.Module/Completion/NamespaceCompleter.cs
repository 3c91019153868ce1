using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using k8s;

namespace KubePS.Module.Completion;

/// <summary>Completes namespace names from the connected cluster.</summary>
public sealed class NamespaceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSource.Complete(wordToComplete, "namespaces", fakeBoundParameters, async (connection, ct) =>
            (await connection.Client.CoreV1.ListNamespaceAsync(cancellationToken: ct)).Items.Select(n => n.Metadata?.Name));
}
