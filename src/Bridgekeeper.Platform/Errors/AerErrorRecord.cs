namespace Bridgekeeper.Platform;

/// <summary>
/// One error as a function logs it (QEMU's PCIEAERErr): the single status bit, the Requester ID of
/// the function that detected it, whether it is correctable or may be logged as Advisory Non-Fatal
/// (PCIe Base 6.0 §6.2.3.2.4), and the TLP header when one was captured.
/// </summary>
public readonly record struct AerErrorRecord(
    uint Status,
    ushort SourceId,
    bool Correctable,
    bool MaybeAdvisory,
    bool HeaderValid,
    uint Header0,
    uint Header1,
    uint Header2,
    uint Header3)
{
    public uint HeaderDword(int i) => i switch { 0 => Header0, 1 => Header1, 2 => Header2, _ => Header3 };
}
