using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Ordo.Bench;

/// <summary>Command-line reading shared by the benchmarks: <c>--name value</c> or <c>--name=value</c>, and common values.</summary>
public sealed partial class BenchArgs(string[] args)
{
    private int _index = -1;
    private string? _inline;

    /// <summary>The current option name (without any <c>=value</c>).</summary>
    public string Current { get; private set; } = "";

    public bool Next()
    {
        if (++_index >= args.Length) return false;
        var arg = args[_index];
        _inline = null;
        if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=') is var eq and > 2)
        {
            _inline = arg[(eq + 1)..];
            arg = arg[..eq];
        }
        Current = arg;
        return true;
    }

    /// <summary>The current option's value: after '=' or the next argument.</summary>
    public string Value()
    {
        if (_inline is not null) return _inline;
        if (_index + 1 >= args.Length) throw new ArgumentException($"{Current} needs a value");
        return args[++_index];
    }

    /// <summary>Reads <c>--db sqlite|postgres|both</c>.</summary>
    public (bool Sqlite, bool Postgres) Databases()
    {
        var db = Value().ToLowerInvariant();
        return db switch
        {
            "sqlite" => (true, false),
            "postgres" or "postgresql" or "pg" => (false, true),
            "both" => (true, true),
            _ => throw new ArgumentException($"--db must be sqlite, postgres or both, not '{db}'"),
        };
    }

    public int PositiveInt(int min)
    {
        var text = Value();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n
            : throw new ArgumentException($"{Current} must be a whole number >= {min}, not '{text}'");
    }

    /// <summary>Reads <c>KEY=VALUE</c> (as <c>--server-env</c> takes).</summary>
    public KeyValuePair<string, string> KeyValue()
    {
        var kv = Value();
        var at = kv.IndexOf('=');
        return at < 1 ? throw new ArgumentException($"{Current} expects KEY=VALUE, not '{kv}'") : new(kv[..at], kv[(at + 1)..]);
    }

    /// <summary>Reads <c>--output</c>: a file, or <c>-</c> / <c>none</c> for no file (null).</summary>
    public string? OutputPath() => Value() is var output && output is "-" or "none" ? null : output;

    /// <summary>The command that ran <paramref name="benchmark"/> with <paramref name="args"/>, as the report quotes it, with any password masked.</summary>
    public static string CommandLine(string benchmark, string[] args) =>
        $"dotnet run -c Release --project bench/Ordo.Bench -- {benchmark}" + string.Concat(args.Select(a => " " + Quote(PasswordPattern().Replace(a, "${k}=***"))));

    [GeneratedRegex(@"(?<k>(?:Password|Pwd))\s*=\s*[^;]*", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordPattern();

    /// <summary>POSIX-shell quoting, only when needed.</summary>
    public static string Quote(string arg)
    {
        if (arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@+%".Contains(c))) return arg;
        var sb = new StringBuilder("\"");
        foreach (var c in arg)
        {
            if (c is '"' or '\\' or '$' or '`') sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
