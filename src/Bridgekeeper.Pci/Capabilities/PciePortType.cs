namespace Bridgekeeper.Pci;

/// <summary>Device/Port Type field of the PCI Express Capabilities register (PCIe Base 6.0 §7.5.3.2, bits 7:4).</summary>
public enum PciePortType : byte
{
    Endpoint = 0x0,
    LegacyEndpoint = 0x1,
    RootPort = 0x4,
    UpstreamPort = 0x5,
    DownstreamPort = 0x6,
    PcieToPciBridge = 0x7,
    PciToPcieBridge = 0x8,
    RCiEP = 0x9,
    RCEC = 0xA,
}
