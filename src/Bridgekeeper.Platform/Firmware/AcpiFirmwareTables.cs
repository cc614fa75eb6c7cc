using System.Collections.Immutable;
using Bridgekeeper.Firmware.Acpi;
using Bridgekeeper.Firmware.Acpi.Hest;
using Bridgekeeper.Firmware.Acpi.Iort;
using Bridgekeeper.Firmware.Acpi.Mcfg;
using FwMcfgAllocation = Bridgekeeper.Firmware.Acpi.Mcfg.McfgAllocation;
using FwIortRootComplex = Bridgekeeper.Firmware.Acpi.Iort.IortRootComplex;

namespace Bridgekeeper.Platform;

/// <summary>
/// Encodes the platform's tables with Bridgekeeper.Firmware's writers. IORT: one ITS group (node 0),
/// one SMMUv3 (node 1) whose mappings take each segment's StreamIDs to ITS DeviceIDs, and a root
/// complex node per segment mapping all 65536 Requester IDs to StreamIDs (Arm DEN 0049 §3.1.1.5).
/// HEST: a PCIe Root Port AER entry (type 6, FIRMWARE_FIRST, GLOBAL when HEST says so) per
/// firmware-first port, and a GHES/GHESv2 entry per source with its notification and read-ack
/// register (preserve ~1, write 1, as QEMU's).
/// </summary>
public sealed class AcpiFirmwareTables : IFirmwareTableWriter
{
    private const ulong SmmuBase = 0x2B40_0000;

    public byte[] WriteMcfg(ImmutableArray<McfgAllocation> allocations)
    {
        var rows = allocations.Select(a => new FwMcfgAllocation(a.EcamBase, a.Segment, a.StartBus, a.EndBus)).ToImmutableArray();
        return McfgWriter.Write(new McfgTable(Header("MCFG", 1), 0, rows));
    }

    public byte[] WriteIort(ImmutableArray<IortRootComplex> rootComplexes)
    {
        const int its = 0, smmu = 1;
        var nodes = ImmutableArray.CreateBuilder<IortNode>();
        nodes.Add(new IortItsGroup(0, 0, [0u]));
        nodes.Add(new IortSmmuV3(4, 1, SmmuBase, 0, 0, 0, 0, 0x100, 0x101, 0x102, 0x103, 0, 0,
        [
            new IortIdMapping(0, 0, 0x7FFF, its, IortIdMapping.SingleMappingFlag), // the SMMU's own MSIs
            .. rootComplexes.Select(rc => new IortIdMapping(rc.StreamIdBase, 0xFFFF, rc.DeviceIdBase, its)),
        ]));
        uint id = 2;
        foreach (var rc in rootComplexes)
            nodes.Add(new FwIortRootComplex(1, id++, 1, 0, 0, 3, 0, rc.Segment, 48, 0, [new IortIdMapping(0, 0xFFFF, rc.StreamIdBase, smmu)]));
        return IortWriter.Write(new IortTable(Header("IORT", 3), 0, nodes.ToImmutable()));
    }

    public byte[] WriteHest(ImmutableArray<HestErrorSource> sources)
    {
        var entries = ImmutableArray.CreateBuilder<Bridgekeeper.Firmware.Acpi.Hest.HestErrorSource>();
        foreach (var s in sources)
        {
            if (s.Kind == HestSourceKind.AerRootPort)
            {
                var flags = (s.FirmwareFirst ? HestAerFlags.FirmwareFirst : HestAerFlags.None) | (s.Global ? HestAerFlags.Global : HestAerFlags.None);
                entries.Add(new HestAer(HestSourceType.PcieRootPortAer, s.SourceId, 0, flags, 1, 1, 1,
                    s.Segment << 8 | s.Bus, (ushort)(s.DevFn >> 3), (ushort)(s.DevFn & 7), 0, 0,
                    0, Bridgekeeper.Pci.AerCapability.DefaultSeverity, Bridgekeeper.Pci.AerCapability.DefaultCorrectableMask, 0));
                continue;
            }
            var notify = HardwareErrorNotification.Of((NotificationType)s.NotifyType, vector: s.Vector);
            GhesReadAck? ack = s.Kind == HestSourceKind.GhesV2 ? new GhesReadAck(GenericAddress.SystemMemory64(s.ReadAckRegister), ~1ul, 1) : null;
            entries.Add(new HestGhes(s.SourceId, HestGhes.NoRelatedSource, 0, 1, 1, 1, s.BlockLength,
                GenericAddress.SystemMemory64(s.StatusAddressRegister), notify, s.BlockLength, ack));
        }
        return HestWriter.Write(new HestTable(Header("HEST", 1), entries.ToImmutable()));
    }

    private static AcpiTableHeader Header(string signature, byte revision) => new(signature, revision, "BRKPR ", "BKSIM   ", 1, "BKPR", 1);
}
