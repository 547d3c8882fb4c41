// Hand-written Prometheus text-format (0.0.4) exporter over System.Diagnostics.Metrics.MeterListener.
// The OpenTelemetry Prometheus exporter and prometheus-net are not available to this project, and we only
// need counters, gauges and histograms, so a small collector is simpler than pulling in either.

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Ordo.Server.Observability;

/// <summary>
/// Listens to every instrument of the meters whose name equals one of the given prefixes or starts with
/// "prefix.", aggregates measurements per instrument and tag set, and renders them as Prometheus text.
/// </summary>
public sealed class PrometheusMetricsCollector : IDisposable
{
    /// <summary>Default histogram boundaries, in seconds (our durations are named "*.seconds").</summary>
    public static IReadOnlyList<double> DefaultBucketBoundaries { get; } =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly string[] _prefixes;
    private readonly MeterListener _listener;
    // Keyed by exposed metric name so that same-named instruments (e.g. one per Meter instance) share one family.
    private readonly ConcurrentDictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly Lock _renderLock = new();

    public PrometheusMetricsCollector(params string[] meterNamePrefixes)
    {
        ArgumentNullException.ThrowIfNull(meterNamePrefixes);
        if (meterNamePrefixes.Length == 0) throw new ArgumentException("At least one meter name is required.", nameof(meterNamePrefixes));
        _prefixes = meterNamePrefixes;
        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished };
        // One callback per numeric type MeterListener supports; the family travels as the listener state,
        // so the hot path does no lookup by instrument.
        _listener.SetMeasurementEventCallback<byte>((_, v, tags, state) => ((Family)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<short>((_, v, tags, state) => ((Family)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<int>((_, v, tags, state) => ((Family)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<long>((_, v, tags, state) => ((Family)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<float>((_, v, tags, state) => ((Family)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<double>((_, v, tags, state) => ((Family)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, v, tags, state) => ((Family)state!).Record((double)v, tags));
        _listener.Start(); // also publishes instruments that already exist
    }

    /// <summary>Returns the whole exposition, families ordered by metric name and series by labels.</summary>
    public string Render()
    {
        lock (_renderLock)
        {
            // Observable series hold only what the callbacks report now, so a tag set that is gone disappears.
            foreach (var family in _families.Values)
                if (family.IsObservable) family.Series.Clear();
            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (AggregateException)
            {
                // One faulty callback must not fail the whole scrape; the others have already been recorded.
            }

            var text = new StringBuilder();
            foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
                family.WriteTo(text);
            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!_prefixes.Any(p => instrument.Meter.Name == p || instrument.Meter.Name.StartsWith(p + ".", StringComparison.Ordinal)))
            return;
        var definition = instrument.GetType() is { IsGenericType: true } t ? t.GetGenericTypeDefinition() : null;
        (string? type, Aggregation aggregation, bool total) shape = definition switch
        {
            _ when definition == typeof(Counter<>) => ("counter", Aggregation.Sum, true),
            _ when definition == typeof(UpDownCounter<>) => ("gauge", Aggregation.Sum, false),
            _ when definition == typeof(Histogram<>) => ("histogram", Aggregation.Histogram, false),
            // Observable counters report cumulative totals, so every observable keeps its last value.
            _ when definition == typeof(ObservableCounter<>) => ("counter", Aggregation.LastValue, true),
            _ when definition == typeof(Gauge<>) || definition == typeof(ObservableGauge<>)
                || definition == typeof(ObservableUpDownCounter<>) => ("gauge", Aggregation.LastValue, false),
            _ => default,
        };
        if (shape.type is null) return;

        var name = SanitizeName(instrument.Name, allowColon: true);
        if (shape.total && !name.EndsWith("_total", StringComparison.Ordinal)) name += "_total";
        var family = _families.GetOrAdd(name, _ => new Family(name, shape.type, instrument.Description,
            shape.aggregation, instrument.IsObservable, definition!, shape.aggregation == Aggregation.Histogram ? BoundariesOf(instrument) : []));
        // Two different kinds of instrument under one name cannot be exposed together: the first one wins.
        if (family.Definition == definition) listener.EnableMeasurementEvents(instrument, family);
    }

    private static double[] BoundariesOf(Instrument instrument)
    {
        IEnumerable<object>? advice = instrument switch
        {
            Instrument<double> i => i.Advice?.HistogramBucketBoundaries?.Cast<object>(),
            Instrument<float> i => i.Advice?.HistogramBucketBoundaries?.Cast<object>(),
            Instrument<long> i => i.Advice?.HistogramBucketBoundaries?.Cast<object>(),
            Instrument<int> i => i.Advice?.HistogramBucketBoundaries?.Cast<object>(),
            Instrument<short> i => i.Advice?.HistogramBucketBoundaries?.Cast<object>(),
            Instrument<byte> i => i.Advice?.HistogramBucketBoundaries?.Cast<object>(),
            Instrument<decimal> i => i.Advice?.HistogramBucketBoundaries?.Cast<object>(),
            _ => null,
        };
        var bounds = (advice ?? DefaultBucketBoundaries.Cast<object>())
            .Select(b => Convert.ToDouble(b, CultureInfo.InvariantCulture))
            .Where(double.IsFinite).Distinct().Order().ToArray(); // +Inf is always added when rendering
        return bounds;
    }

    private enum Aggregation { Sum, LastValue, Histogram }

    /// <summary>One exposed metric: all series of one instrument name.</summary>
    private sealed class Family(string name, string type, string? help, Aggregation aggregation,
        bool isObservable, Type definition, double[] bounds)
    {
        public string Name => name;
        public bool IsObservable => isObservable;
        public Type Definition => definition;
        /// <summary>Keyed by the rendered label list, e.g. <c>channel="web",region="eu"</c>.</summary>
        public ConcurrentDictionary<string, Series> Series { get; } = new(StringComparer.Ordinal);

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (aggregation == Aggregation.Histogram && double.IsNaN(value)) return; // would poison _sum forever
            var series = Series.GetOrAdd(LabelKey(tags), static (_, b) => new Series(b), bounds);
            switch (aggregation)
            {
                case Aggregation.Sum: AtomicAdd(ref series.Value, value); break;
                case Aggregation.LastValue: Volatile.Write(ref series.Value, value); break;
                default:
                    // Index of the first boundary >= value (le is inclusive); past the end means the +Inf bucket.
                    var index = Array.BinarySearch(bounds, value);
                    Interlocked.Increment(ref series.Buckets[index >= 0 ? index : ~index]);
                    AtomicAdd(ref series.Value, value);
                    break;
            }
        }

        public void WriteTo(StringBuilder text)
        {
            if (Series.IsEmpty) return;
            if (!string.IsNullOrEmpty(help))
                text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", @"\\").Replace("\n", @"\n")).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var (labels, series) in Series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                var value = Volatile.Read(ref series.Value);
                if (aggregation != Aggregation.Histogram)
                {
                    Sample(text, name, labels, Format(value));
                    continue;
                }
                // Buckets are stored per range and made cumulative here; _count is the +Inf bucket so they agree.
                long cumulative = 0;
                var prefix = labels.Length == 0 ? "" : labels + ",";
                for (var i = 0; i <= bounds.Length; i++)
                {
                    cumulative += Interlocked.Read(ref series.Buckets[i]);
                    var le = i < bounds.Length ? Format(bounds[i]) : "+Inf";
                    Sample(text, name + "_bucket", prefix + "le=\"" + le + "\"", cumulative.ToString(CultureInfo.InvariantCulture));
                }
                Sample(text, name + "_sum", labels, Format(value));
                Sample(text, name + "_count", labels, cumulative.ToString(CultureInfo.InvariantCulture));
            }
        }

        private static void Sample(StringBuilder text, string name, string labels, string value)
        {
            text.Append(name);
            if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
            text.Append(' ').Append(value).Append('\n');
        }
    }

    /// <summary>Value is the counter sum, the last gauge value, or the histogram sum.</summary>
    private sealed class Series(double[] bounds)
    {
        public double Value;
        public readonly long[] Buckets = new long[bounds.Length + 1];
    }

    // There is no Interlocked.Add for double; compare bit patterns so a NaN value cannot make this spin forever.
    private static void AtomicAdd(ref double target, double value)
    {
        while (true)
        {
            var current = Volatile.Read(ref target);
            var seen = Interlocked.CompareExchange(ref target, current + value, current);
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current)) return;
        }
    }

    /// <summary>Renders tags as a sorted, escaped label list: the series key and the text between braces.</summary>
    private static string LabelKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty) return "";
        var labels = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
            labels[i] = new(SanitizeName(tags[i].Key, allowColon: false), TagValue(tags[i].Value));
        if (labels.Length > 1) Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder();
        foreach (var (key, value) in labels)
        {
            if (text.Length > 0) text.Append(',');
            text.Append(key).Append("=\"");
            foreach (var c in value)
                _ = c switch { '\\' => text.Append(@"\\"), '"' => text.Append("\\\""), '\n' => text.Append(@"\n"), _ => text.Append(c) };
            text.Append('"');
        }
        return text.ToString();
    }

    private static string TagValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Maps to [a-zA-Z_:][a-zA-Z0-9_:]* (no colon for label names): '.', '-' and others become '_'.</summary>
    private static string SanitizeName(string name, bool allowColon)
    {
        static bool Valid(char c, bool colon) => char.IsAsciiLetterOrDigit(c) || c == '_' || (colon && c == ':');
        if (name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => Valid(c, allowColon))) return name;
        var chars = name.Select(c => Valid(c, allowColon) ? c : '_').ToArray();
        return (chars.Length == 0 || char.IsAsciiDigit(chars[0]) ? "_" : "") + new string(chars);
    }

    private static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString(CultureInfo.InvariantCulture), // shortest round-trip form; NaN prints "NaN"
    };
}

public static class PrometheusEndpointExtensions
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// Registers a singleton <see cref="PrometheusMetricsCollector"/> for the given meter names (prefixes) and
    /// a hosted service that resolves it when the host starts, before any request is served.
    /// </summary>
    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services, params string[] meterNames)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(_ => new PrometheusMetricsCollector(meterNames));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PrometheusCollectorActivator>());
        return services;
    }

    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGet(pattern, (HttpContext context) =>
        {
            var collector = context.RequestServices.GetRequiredService<PrometheusMetricsCollector>();
            context.Response.ContentType = ContentType;
            return context.Response.WriteAsync(collector.Render());
        }).ExcludeFromDescription();
    }

    /// <summary>
    /// Exists only to have the collector constructed at start-up: the host builds all hosted services before
    /// starting any of them (Kestrel included), so the listener is live before the first order arrives.
    /// </summary>
    private sealed class PrometheusCollectorActivator : IHostedService
    {
        public PrometheusCollectorActivator(PrometheusMetricsCollector collector) => ArgumentNullException.ThrowIfNull(collector);
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
