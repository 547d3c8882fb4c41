using System.Globalization;

namespace Ordo.Cli.Import;

/// <summary>
/// Progress on stderr. On a terminal, one line redrawn in place:
/// <c>[██████░░░░] 6,200/10,000 rows · 6,150 orders landed · 12 rejected · 41 s left</c>; elsewhere (CI, a pipe,
/// a log file) the same figures as one plain line per request, without the bar and the estimate, which only make
/// sense on a screen. The total is known up front (the file is counted before sending), so the bar is exact.
/// <paramref name="columns"/> is the terminal's width (0 when unknown); <paramref name="landedNoun"/> what lands
/// (orders for <c>ordo import</c>, SKUs, receipts…).
/// </summary>
public sealed class ImportProgress(TextWriter error, bool terminal, TimeProvider clock, int total, string noun, int columns = 0, string landedNoun = "order")
{
    private const int BarWidth = 10;
    private readonly long _started = clock.GetTimestamp();
    private int _drawn;   // characters of the line now on screen, to blank out what a shorter redraw leaves
    private int _done, _landed, _rejected;

    /// <summary>Draws the empty bar (terminal only: a plain log gets a line per request).</summary>
    public void Start()
    {
        if (terminal) Draw();
    }

    /// <summary>Adds what one request (or a batch of them) did: rows sent, orders (or <c>landedNoun</c>s) landed, rows rejected.</summary>
    public void Advance(int rows, int landed, int rejected)
    {
        (_done, _landed, _rejected) = (_done + rows, _landed + landed, _rejected + rejected);
        if (terminal) Draw();
        else error.WriteLine(Figures());
    }

    /// <summary>Blanks the bar so that other output starts on a clean line; the next <see cref="Advance"/> redraws it.</summary>
    public void Clear()
    {
        if (!terminal || _drawn == 0) return;
        error.Write("\r" + new string(' ', _drawn) + "\r");
        error.Flush();
        _drawn = 0;
    }

    /// <summary>Leaves the finished bar on its line.</summary>
    public void Finish()
    {
        if (!terminal || _drawn == 0) return;
        error.WriteLine();
        _drawn = 0;
    }

    private string Figures() => string.Create(CultureInfo.InvariantCulture,
        $"{_done:N0}/{total:N0} {noun}s · {Counted.Of(_landed, landedNoun)} landed · {_rejected:N0} rejected");

    private void Draw()
    {
        var filled = total == 0 ? BarWidth : (int)((long)_done * BarWidth / total);
        var line = "[" + new string('█', filled) + new string('░', BarWidth - filled) + "] " + Figures() + TimeLeft();
        // A line that wraps cannot be redrawn with a carriage return: cut it to the terminal's width.
        if (columns > 1 && line.Length >= columns) line = line[..(columns - 1)];
        error.Write("\r" + line.PadRight(_drawn));
        error.Flush();
        _drawn = line.Length;
    }

    /// <summary>Time left at the pace so far; nothing until the first request is answered, or once all is sent.</summary>
    private string TimeLeft()
    {
        if (_done == 0 || _done >= total) return "";
        var elapsed = clock.GetElapsedTime(_started);
        var left = TimeSpan.FromTicks((long)(elapsed.Ticks * ((double)(total - _done) / _done)));
        return " · " + (left.TotalSeconds < 60 ? $"{Math.Ceiling(left.TotalSeconds):0} s"
            : left.TotalMinutes < 60 ? $"{(int)left.TotalMinutes} min {left.Seconds} s"
            : $"{(int)left.TotalHours} h {left.Minutes} min") + " left";
    }
}
