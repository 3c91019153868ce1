using System.Text.RegularExpressions;

namespace KubePS.Core.Validation;

/// <summary>Kubernetes' naming rules (DNS-1123 labels and subdomains, label keys and values).</summary>
public static partial class NameRules
{
    private const string Dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123SubdomainFormat = Dns1123LabelFormat + @"(\." + Dns1123LabelFormat + ")*";
    private const string QualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

    [GeneratedRegex("^" + Dns1123LabelFormat + "$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^" + Dns1123SubdomainFormat + "$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^" + QualifiedNameFormat + "$")]
    private static partial Regex QualifiedName();

    /// <summary>Problems with <paramref name="value"/> as an RFC 1123 label (63 characters at most).</summary>
    public static IEnumerable<string> CheckDns1123Label(string value)
    {
        if (value.Length > 63)
        {
            yield return "must be no more than 63 characters";
        }

        if (!Dns1123Label().IsMatch(value))
        {
            yield return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
                + "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
                + $"regex used for validation is '{Dns1123LabelFormat}')";
        }
    }

    /// <summary>Problems with <paramref name="value"/> as an RFC 1123 subdomain (253 characters at most).</summary>
    public static IEnumerable<string> CheckDns1123Subdomain(string value)
    {
        if (value.Length > 253)
        {
            yield return "must be no more than 253 characters";
        }

        if (!Dns1123Subdomain().IsMatch(value))
        {
            yield return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                + "and must start and end with an alphanumeric character (e.g. 'example.com', "
                + $"regex used for validation is '{Dns1123SubdomainFormat}')";
        }
    }

    /// <summary>Problems with a label or annotation key: an optional DNS subdomain prefix and a name of 63 characters at most.</summary>
    public static IEnumerable<string> CheckQualifiedName(string value)
    {
        var parts = value.Split('/');
        string name;
        if (parts.Length == 1)
        {
            name = parts[0];
        }
        else if (parts.Length == 2)
        {
            if (parts[0].Length == 0)
            {
                yield return "prefix part must be non-empty";
            }
            else
            {
                foreach (var problem in CheckDns1123Subdomain(parts[0]))
                {
                    yield return "prefix part " + problem;
                }
            }

            name = parts[1];
        }
        else
        {
            yield return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                + "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                + $"'{QualifiedNameFormat}') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
            yield break;
        }

        if (name.Length == 0)
        {
            yield return "name part must be non-empty";
        }
        else if (name.Length > 63)
        {
            yield return "name part must be no more than 63 characters";
        }

        if (name.Length > 0 && !QualifiedName().IsMatch(name))
        {
            yield return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
                + "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                + $"'{QualifiedNameFormat}')";
        }
    }

    /// <summary>Problems with a label value: empty, or 63 characters at most of the qualified-name alphabet.</summary>
    public static IEnumerable<string> CheckLabelValue(string value)
    {
        if (value.Length > 63)
        {
            yield return "must be no more than 63 characters";
        }

        if (value.Length > 0 && !QualifiedName().IsMatch(value))
        {
            yield return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                + "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
                + $"regex used for validation is '(({QualifiedNameFormat})?'";
        }
    }
}
