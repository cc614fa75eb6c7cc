namespace Bridgekeeper.Firmware.Acpi.Iort;

/// <summary>IORT node types (Arm DEN 0049 IO Remapping Table, Table 4 "Node types").</summary>
public enum IortNodeType : byte
{
    ItsGroup = 0,
    NamedComponent = 1,
    RootComplex = 2,
    SmmuV1V2 = 3,
    SmmuV3 = 4,
    Pmcg = 5,
    ReservedMemoryRange = 6,
}
