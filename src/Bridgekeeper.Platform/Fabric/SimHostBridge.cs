namespace Bridgekeeper.Platform;

/// <summary>
/// A host bridge (PCI segment): its ECAM window (PCIe Base 6.0 §7.2.2; ACPI MCFG), its bus range, the
/// memory windows firmware places BARs in, and the IORT ID mappings of its root complex: Requester
/// ID + <see cref="StreamIdBase"/> is the SMMU StreamID and Requester ID + <see cref="DeviceIdBase"/>
/// the ITS DeviceID (IORT "identity with offset" mappings, IORT spec E.e §3.4).
/// </summary>
public sealed class SimHostBridge
{
    public SimHostBridge(string name, uint segment, ulong ecamBase, byte startBus, byte endBus)
    {
        Name = name;
        Segment = segment;
        EcamBase = ecamBase;
        StartBus = startBus;
        EndBus = endBus;
        RootBus = new SimBus(this, null);
    }

    public string Name { get; }

    public uint Segment { get; }

    public ulong EcamBase { get; }

    public byte StartBus { get; }

    public byte EndBus { get; }

    public SimBus RootBus { get; }

    /// <summary>ECAM window size: 1 MiB per bus (§7.2.2).</summary>
    public ulong EcamSize => (ulong)(EndBus - StartBus + 1) << 20;

    public ulong Mmio32Base { get; set; }

    public ulong Mmio32Size { get; set; }

    public ulong Mmio64Base { get; set; }

    public ulong Mmio64Size { get; set; }

    /// <summary>First PCI I/O address of the host bridge's I/O window (PCI-to-PCI Bridge 1.2 §3.2.5.6 windows below it nest inside).</summary>
    public ulong IoBase { get; set; }

    /// <summary>Size of the I/O window; 0 when the host bridge forwards no I/O.</summary>
    public ulong IoSize { get; set; }

    public uint StreamIdBase { get; set; }

    public uint DeviceIdBase { get; set; }

    /// <summary>The SPI of INTA at this host bridge (INTB..INTD follow), or null when INTx is not wired.</summary>
    public uint? IntxSpiBase { get; set; }

    /// <summary>HEST says every root port of this segment is firmware-first (or the GLOBAL flag).</summary>
    public bool FirmwareFirst { get; set; }
}
