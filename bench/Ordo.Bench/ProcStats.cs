using System.Diagnostics;
using System.Globalization;

namespace Ordo.Bench;

/// <summary>Linux /proc readings: a process's memory and CPU time, and the whole machine's CPU time.</summary>
public static class ProcStats
{
    /// <summary>USER_HZ: the unit of /proc CPU times; 100 on every mainstream Linux ABI.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>VmRSS and VmHWM (peak RSS) in bytes, or null when the process is gone.</summary>
    public static (long Rss, long Peak)? Memory(int pid)
    {
        try
        {
            long rss = 0, hwm = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line) * 1024;
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kilobytes(line) * 1024;
            }
            return (rss, hwm);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Resets the process's peak RSS (VmHWM) to its current RSS (Linux 4.0+, needs ptrace rights: our child). False if not possible.</summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>CPU time (user + system) a process has used, in seconds; with <paramref name="reapedChildren"/> also its children that have exited.</summary>
    public static double ProcessCpuSeconds(int pid, bool reapedChildren = false)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
            var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
            var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
            // cutime and cstime (fields 16 and 17): children that exited and were waited for.
            var children = reapedChildren ? long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture) : 0;
            return (utime + stime + children) / TicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { return 0; }
    }

    /// <summary>CPU time this process has used, in seconds.</summary>
    public static double OwnCpuSeconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>Busy CPU seconds of the whole machine (all cores) from /proc/stat: everything but idle and iowait.</summary>
    public static double MachineBusySeconds()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            var v = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user/nice)
            long busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v.Length > 7 ? v[7] : 0);
            return busy / TicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or FormatException or InvalidOperationException) { return 0; }
    }

    /// <summary>CPU seconds of a process and its direct children, living and exited (e.g. a postmaster and its backends).</summary>
    public static double ProcessTreeCpuSeconds(int parent)
    {
        var total = ProcessCpuSeconds(parent, reapedChildren: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == parent) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent) total += ProcessCpuSeconds(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { }
        }
        return total;
    }

    /// <summary>Average cores busy on the whole machine over <paramref name="interval"/> (to see whether something else is running).</summary>
    public static async Task<double> MachineLoadAsync(TimeSpan interval, CancellationToken ct)
    {
        var before = MachineBusySeconds();
        await Task.Delay(interval, ct);
        return (MachineBusySeconds() - before) / interval.TotalSeconds;
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

/// <summary>CPU used by the server, the load generator, PostgreSQL (when we know its processes) and everything else over an interval.</summary>
public sealed class CpuMeter(int serverPid, Func<double>? database)
{
    private double _server, _self, _database, _machine;

    public void Start()
    {
        _server = ProcStats.ProcessCpuSeconds(serverPid);
        _self = ProcStats.OwnCpuSeconds();
        _database = database?.Invoke() ?? 0;
        _machine = ProcStats.MachineBusySeconds();
    }

    /// <summary>Average cores used since <see cref="Start"/> over <paramref name="wallSeconds"/>.</summary>
    public CpuSplit Stop(double wallSeconds)
    {
        var server = ProcStats.ProcessCpuSeconds(serverPid) - _server;
        var self = ProcStats.OwnCpuSeconds() - _self;
        double? db = database is null ? null : database() - _database;
        var machine = ProcStats.MachineBusySeconds() - _machine;
        var w = Math.Max(wallSeconds, 1e-9);
        return new CpuSplit(server / w, self / w, db / w, Math.Max(0, machine - server - self - (db ?? 0)) / w, machine / w);
    }
}

/// <summary>Average cores in use: Ordo server, load generator, PostgreSQL (null when not measured), the rest of the machine, and the machine total.</summary>
public sealed record CpuSplit(double Server, double LoadGenerator, double? Database, double Other, double Total);

/// <summary>Samples a process's RSS in the background; <see cref="StopAsync"/> returns the peak seen (and VmHWM).</summary>
public sealed class RssSampler
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _maxRss;

    public RssSampler(int pid, TimeSpan interval)
    {
        _pid = pid;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            try
            {
                do Sample();
                while (await timer.WaitForNextTickAsync(_stop.Token));
            }
            catch (OperationCanceledException) { }
        });
    }

    private void Sample()
    {
        if (ProcStats.Memory(_pid) is { } m) _maxRss = Math.Max(_maxRss, Math.Max(m.Rss, 0));
    }

    /// <summary>The larger of the highest sampled VmRSS and the kernel's VmHWM (exact peak since the last reset), in bytes.</summary>
    public async Task<long> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        Sample();
        var hwm = ProcStats.Memory(_pid)?.Peak ?? 0;
        return Math.Max(_maxRss, hwm);
    }
}
