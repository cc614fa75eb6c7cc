namespace Bridgekeeper.Pci;

/// <summary>
/// A sysfs tree that cannot be a Linux PCI sysfs: a device entry whose name is not an address, a
/// config file of impossible size, a link that leads nowhere. Names the path and the field.
/// </summary>
public sealed class SysfsFormatException(string path, string field, string problem)
    : InputFormatException(path, 0, field, problem, "sysfs");
