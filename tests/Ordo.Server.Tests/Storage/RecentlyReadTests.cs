using Ordo.Data;
using Shouldly;

namespace Ordo.Server.Tests.Storage;

/// <summary>Rows kept for a short while: read again once stale or forgotten, never kept when missing.</summary>
public sealed class RecentlyReadTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
    }

    private readonly ManualClock _clock = new();
    private readonly Dictionary<string, string> _table = new() { ["a"] = "first" };
    private int _reads;

    private RecentlyRead<string, string> Rows() => new(_clock, TimeSpan.FromSeconds(2), (key, _) =>
    {
        _reads++;
        return Task.FromResult(_table.GetValueOrDefault(key));
    });

    [Fact]
    public async Task A_row_is_read_once_while_fresh_and_again_once_stale()
    {
        var rows = Rows();
        (await rows.FindAsync("a", default)).ShouldBe("first");
        _table["a"] = "second";
        _clock.Ticks += TimeSpan.FromSeconds(1.9).Ticks;
        (await rows.FindAsync("a", default)).ShouldBe("first");
        _reads.ShouldBe(1);

        _clock.Ticks += TimeSpan.FromSeconds(0.2).Ticks;
        (await rows.FindAsync("a", default)).ShouldBe("second");
        _reads.ShouldBe(2);
    }

    [Fact]
    public async Task A_forgotten_row_is_read_at_once_and_a_missing_one_every_time()
    {
        var rows = Rows();
        await rows.FindAsync("a", default);
        _table["a"] = "changed here";
        rows.Forget("a");
        (await rows.FindAsync("a", default)).ShouldBe("changed here");

        (await rows.FindAsync("nope", default)).ShouldBeNull();
        _table["nope"] = "created elsewhere";
        (await rows.FindAsync("nope", default)).ShouldBe("created elsewhere");
        _reads.ShouldBe(4);
    }
}
