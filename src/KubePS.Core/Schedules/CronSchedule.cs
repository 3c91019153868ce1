namespace KubePS.Core.Schedules;

/// <summary>
/// A standard five-field cron schedule (minute, hour, day of month, month, day of week) with
/// ranges, steps, lists, month and weekday names and the <c>@hourly</c>-style macros. As in cron,
/// when both day fields are restricted a day matching either one matches.
/// </summary>
public sealed class CronSchedule
{
    private static readonly Dictionary<string, string> Macros = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _minutes;
    private readonly bool[] _hours;
    private readonly bool[] _days;
    private readonly bool[] _months;
    private readonly bool[] _weekdays;
    private readonly bool _daysRestricted;
    private readonly bool _weekdaysRestricted;

    private CronSchedule(string[] fields)
    {
        _minutes = Field(fields[0], 0, 59, null, "minute");
        _hours = Field(fields[1], 0, 23, null, "hour");
        _days = Field(fields[2], 1, 31, null, "day of month");
        _months = Field(fields[3], 1, 12, MonthNames, "month");
        _weekdays = Field(fields[4], 0, 7, DayNames, "day of week");
        _weekdays[0] |= _weekdays[7];
        _daysRestricted = !fields[2].StartsWith('*') && fields[2] != "?";
        _weekdaysRestricted = !fields[4].StartsWith('*') && fields[4] != "?";
    }

    /// <summary>Parses a schedule; <see cref="FormatException"/> says what is wrong.</summary>
    public static CronSchedule Parse(string text)
    {
        var trimmed = text.Trim();
        var fields = (Macros.GetValueOrDefault(trimmed) ?? trimmed).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            throw new FormatException($"expected exactly 5 fields, found {fields.Length}: {text}");
        }

        return new CronSchedule(fields);
    }

    /// <summary>The first time after <paramref name="after"/> (exclusive, whole minutes) the schedule fires, as a wall-clock time.</summary>
    public DateTime Next(DateTime after)
    {
        var t = new DateTime(after.Year, after.Month, after.Day, after.Hour, after.Minute, 0, after.Kind).AddMinutes(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_months[t.Month])
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, t.Kind).AddMonths(1);
            }
            else if (!DayMatches(t))
            {
                t = t.Date.AddDays(1);
            }
            else if (!_hours[t.Hour])
            {
                t = t.Date.AddHours(t.Hour + 1);
            }
            else if (!_minutes[t.Minute])
            {
                t = t.AddMinutes(1);
            }
            else
            {
                return t;
            }
        }

        throw new InvalidOperationException("the schedule never fires");
    }

    private bool DayMatches(DateTime t)
    {
        var day = _days[t.Day];
        var weekday = _weekdays[(int)t.DayOfWeek];
        return _daysRestricted && _weekdaysRestricted ? day || weekday : day && weekday;
    }

    private static bool[] Field(string text, int min, int max, string[]? names, string what)
    {
        var set = new bool[max + 1];
        foreach (var part in text.Split(','))
        {
            var (range, step) = part.Split('/') switch
            {
                [var r] => (r, 1),
                [var r, var s] when int.TryParse(s, out var n) && n > 0 => (r, n),
                _ => throw new FormatException($"invalid {what} field: {text}"),
            };
            var (low, high) = range switch
            {
                "*" or "?" => (min, max),
                _ when range.Split('-') is [var a, var b] => (Value(a, min, max, names, what), Value(b, min, max, names, what)),
                _ => (Value(range, min, max, names, what), step > 1 ? max : Value(range, min, max, names, what)),
            };
            if (low > high)
            {
                throw new FormatException($"invalid {what} range: {part}");
            }

            for (var v = low; v <= high; v += step)
            {
                set[v] = true;
            }
        }

        return set;
    }

    private static int Value(string text, int min, int max, string[]? names, string what)
    {
        var index = names is null ? -1 : Array.FindIndex(names, n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
        var value = index >= 0 ? index + (names == MonthNames ? 1 : 0) : int.TryParse(text, out var n) ? n : throw new FormatException($"invalid {what}: {text}");
        return value >= min && value <= max ? value : throw new FormatException($"{what} {value} is out of range {min}-{max}");
    }
}
