using Bridgekeeper.Firmware.Acpi.Hest;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// What the hypervisor needs of one HEST GHES (type 9) or GHESv2 (type 10) entry (ACPI 6.5
/// §18.3.2.7-8): where the pointer to the error status block lives, how the source notifies, and for
/// v2 the read-ack register with its preserve/write masks. Built from the HEST reader's entries.
/// </summary>
public sealed record GhesSourceDescriptor(
    ushort SourceId,
    NotificationType Notify,
    uint Vector,
    uint PollIntervalMs,
    ulong ErrorStatusAddress,
    uint ErrorBlockLength,
    GhesReadAckRegister? ReadAck = null)
{
    public bool IsVersion2 => ReadAck is not null;

    /// <summary>The descriptor of a HEST GHES/GHESv2 entry as the Firmware HEST reader decoded it.</summary>
    public static GhesSourceDescriptor From(HestGhes ghes) => new(
        ghes.SourceId, ghes.Notify.Type, ghes.Notify.Vector, ghes.Notify.PollInterval,
        ghes.ErrorStatusAddress.Address, ghes.ErrorStatusBlockLength,
        ghes.ReadAck is { } ack
            ? new GhesReadAckRegister(ack.Register.Address, ack.Register.BitWidth, ack.Register.BitOffset, ack.Preserve, ack.Write)
            : null);
}

/// <summary>The GHESv2 read-ack register (a System Memory GAS) and its masks (ACPI 6.5 Table 18.12).</summary>
public sealed record GhesReadAckRegister(ulong Address, int BitWidth, int BitOffset, ulong Preserve, ulong Write)
{
    /// <summary>Linux's <c>ghes_ack_error</c>: keep the preserved bits, set the write bits, both at the bit offset.</summary>
    public ulong Acknowledge(ulong current) => (current & (Preserve << BitOffset)) | (Write << BitOffset);
}
