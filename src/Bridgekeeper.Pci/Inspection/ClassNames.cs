namespace Bridgekeeper.Pci;

/// <summary>Base class names (PCI Code and ID Assignment Specification §1), with the common sub-classes.</summary>
public static class ClassNames
{
    public static string Of(int classCode)
    {
        int sub = classCode >> 8;
        return sub switch
        {
            0x0600 => "Host bridge",
            0x0601 => "ISA bridge",
            0x0604 => "PCI bridge",
            0x0607 => "CardBus bridge",
            0x0200 => "Ethernet controller",
            0x0108 => "Non-Volatile memory controller",
            0x0106 => "SATA controller",
            0x0c05 => "SMBus",
            0x0c03 => "USB controller",
            0x0403 => "Audio device",
            0x0300 => "VGA compatible controller",
            _ => (sub >> 8) switch
            {
                0x00 => "Unclassified device",
                0x01 => "Mass storage controller",
                0x02 => "Network controller",
                0x03 => "Display controller",
                0x04 => "Multimedia controller",
                0x05 => "Memory controller",
                0x06 => "Bridge",
                0x07 => "Communication controller",
                0x08 => "Generic system peripheral",
                0x09 => "Input device controller",
                0x0a => "Docking station",
                0x0b => "Processor",
                0x0c => "Serial bus controller",
                0x0d => "Wireless controller",
                0x0e => "Intelligent controller",
                0x0f => "Satellite communications controller",
                0x10 => "Encryption controller",
                0x11 => "Signal processing controller",
                0x12 => "Processing accelerators",
                0x13 => "Non-Essential Instrumentation",
                0xff => "Unassigned class",
                _ => $"Class {sub:x4}",
            },
        };
    }
}
