using System.Globalization;
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
        // The JSON is a function of the reason alone, and a storm of repeats gives the same reason each time.
        if (!ReferenceEquals(why, _lastRejectedWhy))
        {
            _lastRejectedJson = RejectedJson(why);
            _lastRejectedWhy = why;
        }
        return timeline.RasLog.AppendError(new RasErrorRecord(timeline.Clock.Now, GhesPath(ghesSource), null, ErrorSeverity.NonFatal, raw.ToArray(), _lastRejectedJson!));
    }

    private string? _lastRejectedWhy, _lastRejectedJson;

    // {"rejected":why} written directly: the same text the serializer gives for a one-entry dictionary
    // (same default encoder), without its reflection metadata or the dictionary.
    public static string RejectedJson(string why)
    {
        var w = RecordJsonWriter.Start();
        w.WriteStartObject();
        w.WriteString(RejectedName, why);
        w.WriteEndObject();
        return RecordJsonWriter.Finish(w);
    }

    private ErrorReport Record(ErrorOrigin origin, DeviceErrorLog log, ReadOnlySpan<byte> raw, ushort? ghesSource, long suppressedBefore)
    {
        var now = timeline.Clock.Now;
        string path = origin == ErrorOrigin.NativeAer ? "native-aer" : GhesPath(ghesSource);
        long id = timeline.RasLog.AppendError(new RasErrorRecord(now, path, log.Device, log.Severity, raw.ToArray(), DecodedJson(log, suppressedBefore)));
        var report = new ErrorReport(now, origin, log, id, ghesSource);
        timeline.Emit(EventKinds.ErrorDetected, log.Device, null, $"{SeverityName(log.Severity)} error via {path}",
            D("severity", SeverityName(log.Severity)), D("path", path), D("ras_id", id),
            D("uncor_status", Hex(log.UncorStatus)), D("cor_status", Hex(log.CorStatus)), D("suppressed_before", suppressedBefore));
        return report;
    }

    // "ghes:<id>", formatted once per source: a storm records from the same few sources again and again.
    private readonly Dictionary<ushort, string> _ghesPaths = [];

    private string GhesPath(ushort? source)
    {
        if (source is not ushort id) return "ghes:";
        if (!_ghesPaths.TryGetValue(id, out var path)) _ghesPaths[id] = path = $"ghes:{id}";
        return path;
    }

    public static string SeverityName(ErrorSeverity s) => s switch
    {
        ErrorSeverity.Correctable => "correctable",
        ErrorSeverity.NonFatal => "non-fatal",
        _ => "fatal",
    };

    private static string Hex(uint v) => "0x" + v.ToString("x8", CultureInfo.InvariantCulture);

    // Property names encoded once (the same bytes the writer produces from the strings).
    private static readonly JsonEncodedText RejectedName = JsonEncodedText.Encode("rejected"), DeviceName = JsonEncodedText.Encode("device"),
        SeverityField = JsonEncodedText.Encode("severity"), RegistersReadName = JsonEncodedText.Encode("registers_read"),
        UncorStatusName = JsonEncodedText.Encode("uncor_status"), UncorMaskName = JsonEncodedText.Encode("uncor_mask"),
        UncorSeverityName = JsonEncodedText.Encode("uncor_severity"), CorStatusName = JsonEncodedText.Encode("cor_status"),
        CorMaskName = JsonEncodedText.Encode("cor_mask"), FirstErrorPointerName = JsonEncodedText.Encode("first_error_pointer"),
        HeaderLogName = JsonEncodedText.Encode("header_log"), SuppressedBeforeName = JsonEncodedText.Encode("suppressed_before");

    public static string DecodedJson(DeviceErrorLog log, long suppressedBefore)
    {
        var w = RecordJsonWriter.Start();
        w.WriteStartObject();
        Span<char> device = stackalloc char[32];
        if (!log.Device.TryFormat(device, out int deviceLength, default, CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"{log.Device} does not fit its format buffer");
        w.WriteString(DeviceName, device[..deviceLength]);
        w.WriteString(SeverityField, SeverityName(log.Severity));
        w.WriteBoolean(RegistersReadName, log.RegistersRead);
        RecordJsonWriter.WriteHex(w, UncorStatusName, log.UncorStatus);
        RecordJsonWriter.WriteHex(w, UncorMaskName, log.UncorMask);
        RecordJsonWriter.WriteHex(w, UncorSeverityName, log.UncorSeverity);
        RecordJsonWriter.WriteHex(w, CorStatusName, log.CorStatus);
        RecordJsonWriter.WriteHex(w, CorMaskName, log.CorMask);
        w.WriteNumber(FirstErrorPointerName, log.FirstErrorPointer);
        w.WriteStartArray(HeaderLogName);
        foreach (uint dw in log.HeaderLog) RecordJsonWriter.WriteHexValue(w, dw);
        w.WriteEndArray();
        if (suppressedBefore > 0) w.WriteNumber(SuppressedBeforeName, suppressedBefore);
        w.WriteEndObject();
        return RecordJsonWriter.Finish(w);
    }
}
