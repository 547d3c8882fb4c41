using System.Text;
using Ordo.Cli.Import;
using Ordo.Server.Tests.Infrastructure;

namespace Ordo.Server.Tests.Cli;

/// <summary>
/// What the CLI tests share: a temporary folder for the files they import, and the command's output captured as a
/// pipe sees it (no terminal), so that every line is exact and nothing depends on timing.
/// </summary>
public abstract class CliTestBase(OrdoHost host) : CatalogueTestBase(host), IDisposable
{
    protected string Folder { get; } = Directory.CreateTempSubdirectory("ordo-cli-test-").FullName;

    /// <summary>The command's report (stdout).</summary>
    protected StringWriter Out { get; } = new();

    /// <summary>Progress and failures (stderr).</summary>
    protected StringWriter Error { get; } = new();

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Empties <see cref="Out"/> and <see cref="Error"/> and answers an output writing to them.</summary>
    protected ImportOutput Output()
    {
        Out.GetStringBuilder().Clear();
        Error.GetStringBuilder().Clear();
        return new ImportOutput(Out, Error, false, TimeProvider.System);
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark; the file's path.</summary>
    protected string WriteFile(string name, string text)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    protected static string[] Lines(StringWriter writer) => writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}
