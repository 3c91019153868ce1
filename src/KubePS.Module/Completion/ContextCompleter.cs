using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using KubePS.Module.Session;

namespace KubePS.Module.Completion;

/// <summary>Completes the contexts of the session's kubeconfig (or of the default one, or of -KubeConfig when typed).</summary>
public sealed class ContextCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var path = fakeBoundParameters["KubeConfig"] as string ?? KubeSession.Current?.KubeConfigPath ?? KubeSession.DefaultKubeConfigPath();
            if (path is null)
            {
                return [];
            }

            var pattern = WildcardPattern.Get(wordToComplete + "*", WildcardOptions.IgnoreCase);
            return KubeSession.ReadContexts(path).Contexts.Select(c => c.Name).Where(pattern.IsMatch).Order(StringComparer.Ordinal)
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n)).ToList();
        }
        catch (Exception)
        {
            // A completer must never throw at the prompt: an unreadable kubeconfig offers nothing.
            return [];
        }
    }
}
