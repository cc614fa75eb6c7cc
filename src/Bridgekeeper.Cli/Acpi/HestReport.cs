using System.Text;
using System.Text.Json;
using Bridgekeeper.Firmware.Acpi.Hest;

namespace Bridgekeeper.Cli.Acpi;

/// <summary>
/// `decode hest` output. JSON: {"signature","length","revision","checksumValid","errorSourceCount",
/// "errorSources":[…],"warnings":[…]} (plus the other header fields), each error source with offset,
/// type, length, sourceId and the fields its type has. Text: one block per source, names first.
/// </summary>
public static class HestReport
{
    public static string TypeName(HestSourceType type) => type switch
    {
        HestSourceType.Ia32MachineCheck => "IA-32 Machine Check Exception",
        HestSourceType.Ia32CorrectedMachineCheck => "IA-32 Corrected Machine Check",
        HestSourceType.Ia32Nmi => "IA-32 Non-Maskable Interrupt",
        HestSourceType.PcieRootPortAer => "PCI Express Root Port AER",
        HestSourceType.PcieEndpointAer => "PCI Express Device AER",
        HestSourceType.PcieBridgeAer => "PCI Express/PCI-X Bridge AER",
        HestSourceType.GenericHardwareErrorSource => "Generic Hardware Error Source",
        HestSourceType.GenericHardwareErrorSourceV2 => "Generic Hardware Error Source v2",
        HestSourceType.Ia32DeferredMachineCheck => "IA-32 Deferred Machine Check",
        _ => "Reserved",
    };

    public static string NotifyName(NotificationType type) => type switch
    {
        NotificationType.Polled => "Polled",
        NotificationType.ExternalInterrupt => "External Interrupt",
        NotificationType.LocalInterrupt => "Local Interrupt",
        NotificationType.Sci => "SCI",
        NotificationType.Nmi => "NMI",
        NotificationType.Cmci => "CMCI",
        NotificationType.Mce => "MCE",
        NotificationType.Gpio => "GPIO-Signal",
        NotificationType.Sea => "SEA",
        NotificationType.Sei => "SEI",
        NotificationType.Gsiv => "GSIV",
        NotificationType.Sdei => "SDEI",
        _ => "Reserved",
    };

    public static string Json(HestReadResult r) => AcpiReport.Json(w =>
    {
        w.WriteStartObject();
        AcpiReport.WriteHeader(w, r.Table.Header, r.Frame);
        w.WriteNumber("errorSourceCount", r.ErrorSourceCount);
        w.WriteStartArray("errorSources");
        for (int i = 0; i < r.Table.ErrorSources.Length; i++)
            WriteSource(w, r.Table.ErrorSources[i], r.ErrorSourceOffsets[i]);
        w.WriteEndArray();
        AcpiReport.WriteWarnings(w, r.Warnings);
        w.WriteEndObject();
    });

    private static void WriteSource(Utf8JsonWriter w, HestErrorSource s, int offset)
    {
        w.WriteStartObject();
        w.WriteNumber("offset", offset);
        w.WriteNumber("type", (ushort)s.Type);
        w.WriteString("typeName", TypeName(s.Type));
        w.WriteNumber("length", s.Length);
        w.WriteNumber("sourceId", s.SourceId);
        switch (s)
        {
            case HestMachineCheck m:
                WriteFlags(w, m.Flags, m.Enabled);
                WriteRecords(w, m.RecordsToPreallocate, m.MaxSectionsPerRecord);
                w.WriteNumber("globalCapabilityData", m.GlobalCapabilityData);
                w.WriteNumber("globalControlData", m.GlobalControlData);
                WriteBanks(w, m.Banks);
                break;
            case HestNotifiedMachineCheck c:
                WriteFlags(w, c.Flags, c.Enabled);
                WriteRecords(w, c.RecordsToPreallocate, c.MaxSectionsPerRecord);
                WriteNotify(w, c.Notify);
                WriteBanks(w, c.Banks);
                break;
            case HestNmi n:
                WriteRecords(w, n.RecordsToPreallocate, n.MaxSectionsPerRecord);
                w.WriteNumber("maxRawDataLength", n.MaxRawDataLength);
                break;
            case HestAer a:
                WriteFlags(w, a.Flags, a.Enabled);
                WriteRecords(w, a.RecordsToPreallocate, a.MaxSectionsPerRecord);
                w.WriteNumber("segment", a.Segment);
                w.WriteNumber("bus", a.BusNumber);
                w.WriteNumber("device", a.Device);
                w.WriteNumber("function", a.Function);
                w.WriteNumber("deviceControl", a.DeviceControl);
                w.WriteNumber("uncorrectableErrorMask", a.UncorrectableErrorMask);
                w.WriteNumber("uncorrectableErrorSeverity", a.UncorrectableErrorSeverity);
                w.WriteNumber("correctableErrorMask", a.CorrectableErrorMask);
                w.WriteNumber("advancedErrorCapabilities", a.AdvancedErrorCapabilities);
                if (a.Kind == HestSourceType.PcieRootPortAer) w.WriteNumber("rootErrorCommand", a.RootErrorCommand);
                if (a.Kind == HestSourceType.PcieBridgeAer)
                {
                    w.WriteNumber("secondaryUncorrectableErrorMask", a.SecondaryUncorrectableErrorMask);
                    w.WriteNumber("secondaryUncorrectableErrorSeverity", a.SecondaryUncorrectableErrorSeverity);
                    w.WriteNumber("secondaryAdvancedCapabilities", a.SecondaryAdvancedCapabilities);
                }
                break;
            case HestGhes g:
                w.WriteNumber("relatedSourceId", g.RelatedSourceId);
                w.WriteBoolean("enabled", g.Enabled != 0);
                WriteRecords(w, g.RecordsToPreallocate, g.MaxSectionsPerRecord);
                w.WriteNumber("maxRawDataLength", g.MaxRawDataLength);
                AcpiReport.WriteAddress(w, "errorStatusAddress", g.ErrorStatusAddress);
                WriteNotify(w, g.Notify);
                w.WriteNumber("errorBlockLength", g.ErrorStatusBlockLength);
                if (g.ReadAck is { } ack)
                {
                    AcpiReport.WriteAddress(w, "readAckRegister", ack.Register);
                    w.WriteNumber("readAckPreserve", ack.Preserve);
                    w.WriteNumber("readAckWrite", ack.Write);
                }
                break;
        }
        w.WriteEndObject();
    }

    private static void WriteFlags(Utf8JsonWriter w, HestAerFlags flags, byte enabled)
    {
        w.WriteBoolean("enabled", enabled != 0);
        w.WriteNumber("flags", (byte)flags);
        w.WriteBoolean("firmwareFirst", (flags & HestAerFlags.FirmwareFirst) != 0);
        w.WriteBoolean("global", (flags & HestAerFlags.Global) != 0);
        w.WriteBoolean("ghesAssist", (flags & HestAerFlags.GhesAssist) != 0);
    }

    private static void WriteRecords(Utf8JsonWriter w, uint records, uint sections)
    {
        w.WriteNumber("recordsToPreallocate", records);
        w.WriteNumber("maxSectionsPerRecord", sections);
    }

    private static void WriteNotify(Utf8JsonWriter w, HardwareErrorNotification n)
    {
        w.WriteStartObject("notify");
        w.WriteNumber("type", (byte)n.Type);
        w.WriteString("typeName", NotifyName(n.Type));
        w.WriteNumber("length", n.Length);
        w.WriteNumber("configurationWriteEnable", n.ConfigurationWriteEnable);
        w.WriteNumber("pollInterval", n.PollInterval);
        w.WriteNumber("vector", n.Vector);
        w.WriteNumber("pollingThresholdValue", n.PollingThresholdValue);
        w.WriteNumber("pollingThresholdWindow", n.PollingThresholdWindow);
        w.WriteNumber("errorThresholdValue", n.ErrorThresholdValue);
        w.WriteNumber("errorThresholdWindow", n.ErrorThresholdWindow);
        w.WriteEndObject();
    }

    private static void WriteBanks(Utf8JsonWriter w, IEnumerable<HestErrorBank> banks)
    {
        w.WriteStartArray("banks");
        foreach (var b in banks)
        {
            w.WriteStartObject();
            w.WriteNumber("bankNumber", b.BankNumber);
            w.WriteNumber("clearStatusOnInitialization", b.ClearStatusOnInitialization);
            w.WriteNumber("statusDataFormat", b.StatusDataFormat);
            w.WriteNumber("controlRegister", b.ControlRegisterMsrAddress);
            w.WriteNumber("controlInitData", b.ControlInitData);
            w.WriteNumber("statusRegister", b.StatusRegisterMsrAddress);
            w.WriteNumber("addressRegister", b.AddressRegisterMsrAddress);
            w.WriteNumber("miscRegister", b.MiscRegisterMsrAddress);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static string Text(HestReadResult r)
    {
        var s = new StringBuilder();
        AcpiReport.TextHeader(s, r.Table.Header, r.Frame, "Hardware Error Source Table");
        s.AppendLine($"  error source count {r.ErrorSourceCount}, {r.Table.ErrorSources.Length} decoded");
        for (int i = 0; i < r.Table.ErrorSources.Length; i++)
        {
            var src = r.Table.ErrorSources[i];
            s.AppendLine();
            s.AppendLine($"@0x{r.ErrorSourceOffsets[i]:X3} {TypeName(src.Type)} (type {(ushort)src.Type}), source id 0x{src.SourceId:X4}, {src.Length} bytes");
            switch (src)
            {
                case HestMachineCheck m:
                    s.AppendLine($"  {Flags(m.Flags)}, {Enabled(m.Enabled)}, {m.Banks.Length} bank(s)");
                    s.AppendLine($"  global capability 0x{m.GlobalCapabilityData:X}, global control 0x{m.GlobalControlData:X}");
                    break;
                case HestNotifiedMachineCheck c:
                    s.AppendLine($"  {Flags(c.Flags)}, {Enabled(c.Enabled)}, {c.Banks.Length} bank(s)");
                    s.AppendLine($"  notify {Notify(c.Notify)}");
                    break;
                case HestNmi n:
                    s.AppendLine($"  records {n.RecordsToPreallocate}, sections {n.MaxSectionsPerRecord}, max raw data {n.MaxRawDataLength}");
                    break;
                case HestAer a:
                    s.AppendLine($"  {Flags(a.Flags)}, {Enabled(a.Enabled)}");
                    s.AppendLine(a.Global
                        ? "  applies to every device of this kind (global)"
                        : $"  device {a.Segment:x4}:{a.BusNumber:x2}:{a.Device:x2}.{a.Function:x}");
                    s.AppendLine($"  uncorrectable mask 0x{a.UncorrectableErrorMask:X8}, severity 0x{a.UncorrectableErrorSeverity:X8}, correctable mask 0x{a.CorrectableErrorMask:X8}, capabilities 0x{a.AdvancedErrorCapabilities:X8}");
                    if (a.Kind == HestSourceType.PcieRootPortAer) s.AppendLine($"  root error command 0x{a.RootErrorCommand:X8}");
                    if (a.Kind == HestSourceType.PcieBridgeAer)
                        s.AppendLine($"  secondary uncorrectable mask 0x{a.SecondaryUncorrectableErrorMask:X8}, severity 0x{a.SecondaryUncorrectableErrorSeverity:X8}, capabilities 0x{a.SecondaryAdvancedCapabilities:X8}");
                    break;
                case HestGhes g:
                    string related = g.RelatedSourceId == HestGhes.NoRelatedSource ? "none (0xFFFF)" : $"0x{g.RelatedSourceId:X4}";
                    s.AppendLine($"  {Enabled(g.Enabled)}, related source {related}, error block length {g.ErrorStatusBlockLength}");
                    s.AppendLine($"  error status address {AcpiReport.Address(g.ErrorStatusAddress)}");
                    s.AppendLine($"  notify {Notify(g.Notify)}");
                    if (g.ReadAck is { } ack)
                        s.AppendLine($"  read ack {AcpiReport.Address(ack.Register)}, preserve 0x{ack.Preserve:X16}, write 0x{ack.Write:X16}");
                    break;
            }
        }
        AcpiReport.TextWarnings(s, r.Warnings);
        return s.ToString();
    }

    private static string Flags(HestAerFlags f) =>
        $"flags 0x{(byte)f:X2} (firmware first {Bit(f, HestAerFlags.FirmwareFirst)}, global {Bit(f, HestAerFlags.Global)}, GHES assist {Bit(f, HestAerFlags.GhesAssist)})";

    private static string Bit(HestAerFlags f, HestAerFlags bit) => (f & bit) != 0 ? "yes" : "no";

    private static string Enabled(byte e) => e != 0 ? $"enabled ({e})" : "disabled (0)";

    private static string Notify(HardwareErrorNotification n) =>
        $"{NotifyName(n.Type)} ({(byte)n.Type}), poll interval {n.PollInterval} ms, vector {n.Vector}, length {n.Length}";
}
