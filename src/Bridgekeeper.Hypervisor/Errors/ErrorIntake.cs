using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.RasLog;
using Bridgekeeper.Pci;
using static Bridgekeeper.Hypervisor.RasLog.DurableTimeline;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// Where every error enters, whichever path found it: stored in the RAS log (raw bytes and decoded
/// fields) before anything acts on it, then correctable errors are counted, rate-limited and done
/// with, and uncorrectable ones go to recovery. Uncorrectable errors never wait behind correctable
/// ones: a correctable error costs one dictionary lookup unless it is admitted for logging.
/// </summary>
public sealed class ErrorIntake(DurableTimeline timeline, CorrectableErrorLimiter limiter, IUncorrectableErrorSink recovery)
{
    public long CorrectableSeen { get; private set; }

    public long UncorrectableSeen { get; private set; }

    public CorrectableErrorLimiter Limiter => limiter;

    /// <summary>
    /// Counts one correctable error and says whether to log it (then <see cref="RecordCorrectable"/>);
    /// split in two so that the storm path builds no record for an error it only counts.
    /// </summary>
    public bool AdmitCorrectable(Sbdf device, out long suppressedBefore)
    {
        CorrectableSeen++;
        return limiter.TryAdmit(device, timeline.Clock.Now, out suppressedBefore);
    }

    public ErrorReport RecordCorrectable(ErrorOrigin origin, DeviceErrorLog log, ReadOnlySpan<byte> raw, long suppressedBefore, ushort? ghesSource = null) =>
        Record(origin, log, raw, ghesSource, suppressedBefore);

    public ErrorReport AcceptUncorrectable(ErrorOrigin origin, DeviceErrorLog log, ReadOnlySpan<byte> raw, ushort? ghesSource = null)
    {
        UncorrectableSeen++;
        var report = Record(origin, log, raw, ghesSource, 0);
        recovery.OnUncorrectable(report);
        return report;
    }

    /// <summary>Stores an error whose source could not be found; nothing can act on it.</summary>
    public ErrorReport RecordUnattributed(DeviceErrorLog portLog, ReadOnlySpan<byte> raw) =>
        Record(ErrorOrigin.NativeAer, portLog, raw, null, 0);

    /// <summary>Stores a firmware record that is malformed or a repeat: kept for the record, never acted on.</summary>
    public long RecordInvalid(ushort ghesSource, ReadOnlySpan<byte> raw, string why)
    {
        return timeline.RasLog.AppendError(new RasErrorRecord(timeline.Clock.Now, $"ghes:{ghesSource}", null, ErrorSeverity.NonFatal, raw.ToArray(), RejectedJson(why)));
    }

    // {"rejected":why} written directly: the same text the serializer gives for a one-entry dictionary
    // (same default encoder), without its reflection metadata or the dictionary.
    public static string RejectedJson(string why)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + why.Length * 2);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("rejected", why);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private ErrorReport Record(ErrorOrigin origin, DeviceErrorLog log, ReadOnlySpan<byte> raw, ushort? ghesSource, long suppressedBefore)
    {
        var now = timeline.Clock.Now;
        string path = origin == ErrorOrigin.NativeAer ? "native-aer" : $"ghes:{ghesSource}";
        long id = timeline.RasLog.AppendError(new RasErrorRecord(now, path, log.Device, log.Severity, raw.ToArray(), DecodedJson(log, suppressedBefore)));
        var report = new ErrorReport(now, origin, log, id, ghesSource);
        timeline.Emit(EventKinds.ErrorDetected, log.Device, null, $"{SeverityName(log.Severity)} error via {path}",
            D("severity", SeverityName(log.Severity)), D("path", path), D("ras_id", id),
            D("uncor_status", Hex(log.UncorStatus)), D("cor_status", Hex(log.CorStatus)), D("suppressed_before", suppressedBefore));
        return report;
    }

    public static string SeverityName(ErrorSeverity s) => s switch
    {
        ErrorSeverity.Correctable => "correctable",
        ErrorSeverity.NonFatal => "non-fatal",
        _ => "fatal",
    };

    private static string Hex(uint v) => "0x" + v.ToString("x8", CultureInfo.InvariantCulture);

    public static string DecodedJson(DeviceErrorLog log, long suppressedBefore)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("device", log.Device.ToString());
            w.WriteString("severity", SeverityName(log.Severity));
            w.WriteBoolean("registers_read", log.RegistersRead);
            w.WriteString("uncor_status", Hex(log.UncorStatus));
            w.WriteString("uncor_mask", Hex(log.UncorMask));
            w.WriteString("uncor_severity", Hex(log.UncorSeverity));
            w.WriteString("cor_status", Hex(log.CorStatus));
            w.WriteString("cor_mask", Hex(log.CorMask));
            w.WriteNumber("first_error_pointer", log.FirstErrorPointer);
            w.WriteStartArray("header_log");
            foreach (uint dw in log.HeaderLog) w.WriteStringValue(Hex(dw));
            w.WriteEndArray();
            if (suppressedBefore > 0) w.WriteNumber("suppressed_before", suppressedBefore);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
