namespace KubePS.Core.Printing;

/// <summary>Ages as kubectl prints them: 45s, 3m20s, 5m, 2h10m, 3d, 2y30d.</summary>
public static class HumanDuration
{
    public static string Format(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        if (seconds < 0)
        {
            return "<invalid>";
        }

        if (seconds < 60 * 2)
        {
            return $"{seconds}s";
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        }

        if (minutes < 60 * 3)
        {
            return $"{minutes}m";
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            return hours % 24 == 0 ? $"{hours / 24}d" : $"{hours / 24}d{hours % 24}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }

        var years = hours / 24 / 365;
        var days = hours / 24 % 365;
        return years < 8 && days != 0 ? $"{years}y{days}d" : $"{years}y";
    }

    /// <summary>The age of an object created at <paramref name="created"/>, or &lt;unknown&gt;.</summary>
    public static string Age(DateTime? created, DateTime now) =>
        created is { } c ? Format(now - c.ToUniversalTime()) : "<unknown>";
}
