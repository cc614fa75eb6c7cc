namespace Bridgekeeper.Firmware.Acpi.Iort;

/// <summary>
/// The result of following a Requester ID through the IORT: the root complex node it entered at, the
/// StreamID and SMMU node if it passed an SMMU, and the ITS DeviceID and ITS group node if it reached
/// one. Indices are into <see cref="IortTable.Nodes"/>; null means that stage was not reached.
/// </summary>
public readonly record struct IortIdTranslation(
    int? RootComplexIndex, uint? StreamId, int? SmmuIndex, uint? DeviceId, int? ItsGroupIndex)
{
    public static IortIdTranslation NoRootComplex => new(null, null, null, null, null);
}
