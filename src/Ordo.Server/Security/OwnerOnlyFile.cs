using System.Text;

namespace Ordo.Server.Security;

/// <summary>
/// The secret files Ordo writes next to its data (the secrets key, the personal-data keys, the first admin's API key
/// and password, the demo users): readable and writable by their owner only, from the moment they exist.
/// </summary>
public static class OwnerOnlyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Writes <paramref name="text"/> (UTF-8) to <paramref name="file"/>, creating its folder. With
    /// <paramref name="createNew"/> an existing file is left as it is and <see cref="IOException"/> is thrown, so that
    /// of two instances starting together on one folder only the first writes.
    /// </summary>
    public static void Write(string file, string text, bool createNew = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var options = new FileStreamOptions { Mode = createNew ? FileMode.CreateNew : FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using (var writer = new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options)) writer.Write(text);
        // The creation mode applies to a new file only: one that existed and was overwritten is narrowed too.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, OwnerOnly);
    }
}
