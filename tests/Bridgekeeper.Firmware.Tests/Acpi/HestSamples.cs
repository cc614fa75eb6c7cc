using System.Collections.Immutable;
using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Hest;

namespace Bridgekeeper.Firmware.Tests.Acpi;

/// <summary>HEST tables built with the model: every error source type and every notification type.</summary>
public static class HestSamples
{
    public static readonly AcpiTableHeader Header = new("HEST", 1, "BRIDGE", "BKHEST  ", 7, "BKPR", 0x20261126);

    private static HestErrorBank Bank(byte n) => new(n, 1, 0, 0, 0x400u + 4u * n, ulong.MaxValue, 0x401u + 4u * n, 0x402u + 4u * n, 0x403u + 4u * n);

    public static HestTable EveryType()
    {
        var sources = new List<HestErrorSource>
        {
            new HestMachineCheck(0, 0, HestAerFlags.None, 1, 1, 1, 0xC09, ulong.MaxValue, 0, [Bank(0), Bank(1)]),
            new HestNotifiedMachineCheck(HestSourceType.Ia32CorrectedMachineCheck, 1, 0, HestAerFlags.FirmwareFirst, 1, 2, 3,
                HardwareErrorNotification.Of(NotificationType.Polled, pollInterval: 1000), 0, [Bank(0)]),
            new HestNmi(2, 0, 1, 1, 0x1000),
            new HestAer(HestSourceType.PcieRootPortAer, 3, 0, HestAerFlags.Global, 1, 1, 1, 0x0000_0100, 0, 0, 0xF, 0,
                0x0010_0000, 0x0046_2030, 0x2000, 0xA0, RootErrorCommand: 7),
            new HestAer(HestSourceType.PcieEndpointAer, 4, 0, HestAerFlags.FirmwareFirst, 1, 1, 1, 0x0001_3B, 0x1C, 1, 0xF, 0,
                0x0010_0000, 0x0046_2030, 0x2000, 0xA0),
            new HestAer(HestSourceType.PcieBridgeAer, 5, 0, HestAerFlags.FirmwareFirst | HestAerFlags.Global, 0, 1, 1, 5, 1, 0, 0xF, 0,
                0x0010_0000, 0x0046_2030, 0x2000, 0xA0, SecondaryUncorrectableErrorMask: 0x800,
                SecondaryUncorrectableErrorSeverity: 0x1340, SecondaryAdvancedCapabilities: 1),
            new HestNotifiedMachineCheck(HestSourceType.Ia32DeferredMachineCheck, 6, 0, HestAerFlags.GhesAssist, 1, 1, 1,
                HardwareErrorNotification.Of(NotificationType.Cmci), 0, [Bank(2), Bank(3), Bank(4)]),
        };
        ushort id = 0x100;
        foreach (var type in Enum.GetValues<NotificationType>())
        {
            sources.Add(Ghes(id++, type, v2: false));
            sources.Add(Ghes(id++, type, v2: true));
        }
        return new HestTable(Header, [.. sources]);
    }

    public static HestGhes Ghes(ushort sourceId, NotificationType notify, bool v2)
    {
        ulong block = 0x7F00_0000UL + 0x10UL * sourceId;
        var notification = new HardwareErrorNotification(notify, HardwareErrorNotification.Size, 0x3F,
            notify == NotificationType.Polled ? 100u : 0u, 0x40u + sourceId, 1, 2, 3, 4);
        GhesReadAck? ack = v2 ? new GhesReadAck(GenericAddress.SystemMemory64(0x7F80_0000UL + 8UL * sourceId), ~1UL, 1) : null;
        return new HestGhes(sourceId, GhesHestRelated(sourceId), 0, 1, 1, 1, 0x1000,
            GenericAddress.SystemMemory64(block), notification, 0x1000, ack);
    }

    private static ushort GhesHestRelated(ushort sourceId) => sourceId % 3 == 0 ? (ushort)3 : HestGhes.NoRelatedSource;
}
