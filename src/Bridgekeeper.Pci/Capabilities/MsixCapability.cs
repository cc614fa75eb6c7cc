namespace Bridgekeeper.Pci;

/// <summary>MSI-X Capability (ID 0x11, PCIe Base 6.0 §7.7.2).</summary>
public static class MsixCapability
{
    public const int MessageControl = 0x02;
    public const int TableOffsetBir = 0x04;
    public const int PbaOffsetBir = 0x08;

    public const ushort FunctionMask = 1 << 14;
    public const ushort Enable = 1 << 15;

    public static RegisterLayout Layout { get; } = RegisterLayout.Of("MSI-X", "PCIe Base 6.0 §7.7.2",
        new(0x00, 2, "Capability Header"),
        new(MessageControl, 2, "Message Control", Rw: 0xC000, RsvdP: 0x3800),
        new(TableOffsetBir, 4, "Table Offset/Table BIR"),
        new(PbaOffsetBir, 4, "PBA Offset/PBA BIR"));

    /// <summary>Table Size (Message Control bits 10:0) is N-1 encoded.</summary>
    public static int TableSize(ReadOnlySpan<byte> config, int offset) => (ConfigBytes.U16(config, offset + MessageControl) & 0x7FF) + 1;
}
