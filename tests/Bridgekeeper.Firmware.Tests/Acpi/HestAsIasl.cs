using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Hest;

namespace Bridgekeeper.Firmware.Tests.Acpi;

/// <summary>A field of our decoded HEST under the name and at the table offset iasl prints it.</summary>
public sealed record ExpectedField(int Offset, string Name, ulong? Number, string? Text = null);

/// <summary>
/// Lays out a decoded HEST as iasl 20200925/20260408 names its fields (ACPICA dmtbinfo1.c), from the
/// decoded model only (never from the bytes), so that comparing the two checks every decoded value.
/// Containers ("Notify : [Hardware Error Notification Structure]") carry no value and are not listed.
/// </summary>
public static class HestAsIasl
{
    public static List<ExpectedField> Fields(HestReadResult r)
    {
        var f = new List<ExpectedField>();
        var h = r.Table.Header;
        f.Add(new(0, "Signature", null, h.Signature));
        f.Add(new(4, "Table Length", r.Frame.Length));
        f.Add(new(8, "Revision", h.Revision));
        f.Add(new(9, "Checksum", r.Frame.Checksum));
        f.Add(new(10, "Oem ID", null, h.OemId));
        f.Add(new(16, "Oem Table ID", null, h.OemTableId));
        f.Add(new(24, "Oem Revision", h.OemRevision));
        f.Add(new(28, "Asl Compiler ID", null, h.CreatorId));
        f.Add(new(32, "Asl Compiler Revision", h.CreatorRevision));
        if (r.Frame.Length >= 40) f.Add(new(36, "Error Source Count", r.ErrorSourceCount));
        for (int i = 0; i < r.Table.ErrorSources.Length; i++)
            AddSource(f, r.Table.ErrorSources[i], r.ErrorSourceOffsets[i]);
        return f;
    }

    private static void AddSource(List<ExpectedField> f, HestErrorSource s, int at)
    {
        f.Add(new(at, "Subtable Type", (ulong)s.Type));
        f.Add(new(at + 2, "Source Id", s.SourceId));
        switch (s)
        {
            case HestMachineCheck m:
                f.Add(new(at + 4, "Reserved1", m.Reserved1));
                f.Add(new(at + 6, "Flags (decoded below)", (ulong)m.Flags));
                f.Add(new(at + 7, "Enabled", m.Enabled));
                f.Add(new(at + 8, "Records To Preallocate", m.RecordsToPreallocate));
                f.Add(new(at + 12, "Max Sections Per Record", m.MaxSectionsPerRecord));
                f.Add(new(at + 16, "Global Capability Data", m.GlobalCapabilityData));
                f.Add(new(at + 24, "Global Control Data", m.GlobalControlData));
                f.Add(new(at + 32, "Num Hardware Banks", (ulong)m.Banks.Length));
                f.Add(new(at + 33, "Reserved2", m.Reserved2));
                AddBanks(f, m.Banks, at + 40);
                break;
            case HestNotifiedMachineCheck c:
                f.Add(new(at + 4, "Reserved1", c.Reserved1));
                f.Add(new(at + 6, "Flags (decoded below)", (ulong)c.Flags));
                f.Add(new(at + 7, "Enabled", c.Enabled));
                f.Add(new(at + 8, "Records To Preallocate", c.RecordsToPreallocate));
                f.Add(new(at + 12, "Max Sections Per Record", c.MaxSectionsPerRecord));
                AddNotify(f, c.Notify, at + 16);
                f.Add(new(at + 44, "Num Hardware Banks", (ulong)c.Banks.Length));
                f.Add(new(at + 45, "Reserved2", c.Reserved2));
                AddBanks(f, c.Banks, at + 48);
                break;
            case HestNmi n:
                f.Add(new(at + 4, "Reserved", n.Reserved));
                f.Add(new(at + 8, "Records To Preallocate", n.RecordsToPreallocate));
                f.Add(new(at + 12, "Max Sections Per Record", n.MaxSectionsPerRecord));
                f.Add(new(at + 16, "Max Raw Data Length", n.MaxRawDataLength));
                break;
            case HestAer a:
                f.Add(new(at + 4, "Reserved", a.Reserved1));
                f.Add(new(at + 6, "Flags (decoded below)", (ulong)a.Flags));
                f.Add(new(at + 7, "Enabled", a.Enabled));
                f.Add(new(at + 8, "Records To Preallocate", a.RecordsToPreallocate));
                f.Add(new(at + 12, "Max Sections Per Record", a.MaxSectionsPerRecord));
                f.Add(new(at + 16, "Bus", a.Bus));
                f.Add(new(at + 20, "Device", a.Device));
                f.Add(new(at + 22, "Function", a.Function));
                f.Add(new(at + 24, "DeviceControl", a.DeviceControl));
                f.Add(new(at + 26, "Reserved", a.Reserved2));
                f.Add(new(at + 28, "Uncorrectable Mask", a.UncorrectableErrorMask));
                f.Add(new(at + 32, "Uncorrectable Severity", a.UncorrectableErrorSeverity));
                f.Add(new(at + 36, "Correctable Mask", a.CorrectableErrorMask));
                f.Add(new(at + 40, "Advanced Capabilities", a.AdvancedErrorCapabilities));
                if (a.Kind == HestSourceType.PcieRootPortAer) f.Add(new(at + 44, "Root Error Command", a.RootErrorCommand));
                if (a.Kind == HestSourceType.PcieBridgeAer)
                {
                    f.Add(new(at + 44, "2nd Uncorrectable Mask", a.SecondaryUncorrectableErrorMask));
                    f.Add(new(at + 48, "2nd Uncorrectable Severity", a.SecondaryUncorrectableErrorSeverity));
                    f.Add(new(at + 52, "2nd Advanced Capabilities", a.SecondaryAdvancedCapabilities));
                }
                break;
            case HestGhes g:
                f.Add(new(at + 4, "Related Source Id", g.RelatedSourceId));
                f.Add(new(at + 6, "Reserved", g.Reserved));
                f.Add(new(at + 7, "Enabled", g.Enabled));
                f.Add(new(at + 8, "Records To Preallocate", g.RecordsToPreallocate));
                f.Add(new(at + 12, "Max Sections Per Record", g.MaxSectionsPerRecord));
                f.Add(new(at + 16, "Max Raw Data Length", g.MaxRawDataLength));
                AddAddress(f, g.ErrorStatusAddress, at + 20);
                AddNotify(f, g.Notify, at + 32);
                f.Add(new(at + 60, "Error Status Block Length", g.ErrorStatusBlockLength));
                if (g.ReadAck is { } ack)
                {
                    AddAddress(f, ack.Register, at + 64);
                    f.Add(new(at + 76, "Read Ack Preserve", ack.Preserve));
                    f.Add(new(at + 84, "Read Ack Write", ack.Write));
                }
                break;
            default:
                throw new InvalidOperationException($"no iasl layout for {s.GetType().Name}");
        }
    }

    private static void AddNotify(List<ExpectedField> f, HardwareErrorNotification n, int at)
    {
        f.Add(new(at, "Notify Type", (ulong)n.Type));
        f.Add(new(at + 1, "Notify Length", n.Length));
        f.Add(new(at + 2, "Configuration Write Enable", n.ConfigurationWriteEnable));
        f.Add(new(at + 4, "PollInterval", n.PollInterval));
        f.Add(new(at + 8, "Vector", n.Vector));
        f.Add(new(at + 12, "Polling Threshold Value", n.PollingThresholdValue));
        f.Add(new(at + 16, "Polling Threshold Window", n.PollingThresholdWindow));
        f.Add(new(at + 20, "Error Threshold Value", n.ErrorThresholdValue));
        f.Add(new(at + 24, "Error Threshold Window", n.ErrorThresholdWindow));
    }

    private static void AddAddress(List<ExpectedField> f, GenericAddress a, int at)
    {
        f.Add(new(at, "Space ID", (ulong)a.SpaceId));
        f.Add(new(at + 1, "Bit Width", a.BitWidth));
        f.Add(new(at + 2, "Bit Offset", a.BitOffset));
        f.Add(new(at + 3, "Encoded Access Width", (ulong)a.AccessSize));
        f.Add(new(at + 4, "Address", a.Address));
    }

    private static void AddBanks(List<ExpectedField> f, IEnumerable<HestErrorBank> banks, int at)
    {
        foreach (var b in banks)
        {
            f.Add(new(at, "Bank Number", b.BankNumber));
            f.Add(new(at + 1, "Clear Status On Init", b.ClearStatusOnInitialization));
            f.Add(new(at + 2, "Status Format", b.StatusDataFormat));
            f.Add(new(at + 3, "Reserved", b.Reserved));
            f.Add(new(at + 4, "Control Register", b.ControlRegisterMsrAddress));
            f.Add(new(at + 8, "Control Data", b.ControlInitData));
            f.Add(new(at + 16, "Status Register", b.StatusRegisterMsrAddress));
            f.Add(new(at + 20, "Address Register", b.AddressRegisterMsrAddress));
            f.Add(new(at + 24, "Misc Register", b.MiscRegisterMsrAddress));
            at += HestErrorBank.Size;
        }
    }
}
