namespace Bridgekeeper.Pci;

/// <summary>
/// MSI Capability (ID 0x05, PCIe Base 6.0 §7.7.1). Its layout depends on Message Control: 64-bit
/// address capable (bit 7) moves Message Data, and per-vector masking (bit 8) adds Mask and Pending.
/// </summary>
public static class MsiCapability
{
    public const int MessageControl = 0x02;
    public const int MessageAddress = 0x04;

    public const ushort Enable = 1 << 0;
    public const ushort Is64Bit = 1 << 7;
    public const ushort PerVectorMasking = 1 << 8;

    public static RegisterLayout Layout(ushort messageControl)
    {
        bool wide = (messageControl & Is64Bit) != 0;
        bool masking = (messageControl & PerVectorMasking) != 0;
        int data = wide ? 0x0C : 0x08;
        var regs = new List<RegisterDef>
        {
            new(0x00, 2, "Capability Header"),
            // MSI Enable, Multiple Message Enable, Extended Message Data Enable are RW.
            new(MessageControl, 2, "Message Control", Rw: 0x0471, RsvdP: 0xF800),
            new(MessageAddress, 4, "Message Address", Rw: 0xFFFF_FFFC),
        };
        if (wide) regs.Add(new(0x08, 4, "Message Upper Address", Rw: 0xFFFF_FFFF));
        regs.Add(new(data, 2, "Message Data", Rw: 0xFFFF));
        regs.Add(new(data + 2, 2, "Extended Message Data", Rw: 0xFFFF));
        if (masking)
        {
            regs.Add(new(data + 4, 4, "Mask Bits", Rw: 0xFFFF_FFFF));
            regs.Add(new(data + 8, 4, "Pending Bits"));
        }
        return RegisterLayout.Of("MSI", "PCIe Base 6.0 §7.7.1", [.. regs]);
    }

    public static RegisterLayout LayoutAt(ReadOnlySpan<byte> config, int offset) => Layout(ConfigBytes.U16(config, offset + MessageControl));
}
