namespace Bridgekeeper.Hypervisor.Isolation;

/// <summary>One row of the ACS quirk table: vendor, device (null = any) and the family that answers.</summary>
public readonly record struct AcsQuirk(ushort Vendor, ushort? Device, AcsQuirkFamily Family);
