using System.Diagnostics.Metrics;

namespace Ordo.Server.Observability;

/// <summary>Ordo's own instruments (meter <c>Ordo</c>), exposed at <c>/metrics</c> in Prometheus text format.</summary>
public sealed class OrdoMetrics : IDisposable
{
    public const string MeterName = "Ordo";

    private readonly Meter _meter;
    private readonly Counter<long> _received;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _held;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _intakeDuration;
    private readonly Counter<long> _webhookDeliveries;
    private readonly Counter<long> _webhookFailures;
    private readonly Counter<long> _writeBackFailures;
    private readonly Counter<long> _stockPushFailures;
    private JobQueueSnapshot _queue = new(0, 0, 0, 0);

    public OrdoMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _received = _meter.CreateCounter<long>("ordo.orders.received", description: "Order payloads received, by platform.");
        _accepted = _meter.CreateCounter<long>("ordo.orders.accepted", description: "Order payloads accepted, by platform and outcome (created, updated, unchanged, stale).");
        _held = _meter.CreateCounter<long>("ordo.orders.held", description: "Orders put on hold for review at intake, by platform and reason code.");
        _rejected = _meter.CreateCounter<long>("ordo.orders.rejected", description: "Order payloads rejected (kept in the inbox), by platform.");
        _intakeDuration = _meter.CreateHistogram<double>("ordo.intake.duration.seconds", description: "Time to take in one order payload, from receipt to commit.");
        _webhookDeliveries = _meter.CreateCounter<long>("ordo.webhooks.deliveries", description: "Webhook delivery attempts, by result (delivered, retry, failed).");
        _webhookFailures = _meter.CreateCounter<long>("ordo.webhooks.failures", description: "Webhook deliveries that failed for good after their last attempt.");
        _writeBackFailures = _meter.CreateCounter<long>("ordo.writeback.failures", description: "Shipment write-backs to platforms given up after their last attempt (each one is an alert).");
        _stockPushFailures = _meter.CreateCounter<long>("ordo.stockpush.failures", description: "Channel stock pushes of a SKU given up after their last attempt (each one is an alert).");
        _meter.CreateObservableGauge("ordo.jobs.queue.depth", () => _queue.Pending, description: "Pending jobs (due now or later).");
        _meter.CreateObservableGauge("ordo.jobs.queue.due", () => _queue.Due, description: "Jobs that are due and not yet done.");
        _meter.CreateObservableGauge("ordo.jobs.queue.oldest.age.seconds", () => _queue.OldestDueAgeSeconds, description: "How long the oldest due job has been waiting.");
        _meter.CreateObservableGauge("ordo.jobs.failed", () => _queue.Failed, description: "Jobs that failed for good and wait for a person.");
    }

    public void Received(string platform) => _received.Add(1, new KeyValuePair<string, object?>("platform", platform));
    public void Accepted(string platform, string outcome) =>
        _accepted.Add(1, new KeyValuePair<string, object?>("platform", platform), new KeyValuePair<string, object?>("outcome", outcome));
    public void Held(string platform, string reason) =>
        _held.Add(1, new KeyValuePair<string, object?>("platform", platform), new KeyValuePair<string, object?>("reason", reason));
    public void Rejected(string platform) => _rejected.Add(1, new KeyValuePair<string, object?>("platform", platform));
    public void IntakeDuration(TimeSpan elapsed, string endpoint) =>
        _intakeDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("endpoint", endpoint));
    public void WebhookAttempt(string result) => _webhookDeliveries.Add(1, new KeyValuePair<string, object?>("result", result));
    public void WebhookGaveUp() => _webhookFailures.Add(1);
    public void WriteBackFailed() => _writeBackFailures.Add(1);
    public void StockPushFailed() => _stockPushFailures.Add(1);
    public void QueueObserved(JobQueueSnapshot snapshot) => _queue = snapshot;

    public void Dispose() => _meter.Dispose();
}

public sealed record JobQueueSnapshot(long Pending, long Due, double OldestDueAgeSeconds, long Failed);
