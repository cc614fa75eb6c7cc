namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>
/// The GHESv2 acknowledgement (ACPI 6.5 §18.3.2.8, Table 18.12): after consuming a status block the
/// OS reads <see cref="Register"/>, keeps the bits in <see cref="Preserve"/>, sets those in
/// <see cref="Write"/> and writes it back (Linux ghes_ack_error shifts both by the register's bit offset).
/// </summary>
public readonly record struct GhesReadAck(GenericAddress Register, ulong Preserve, ulong Write)
{
    /// <summary>The value to write back, given what the register read.</summary>
    public ulong Acknowledge(ulong current) =>
        (current & (Preserve << Register.BitOffset)) | (Write << Register.BitOffset);
}
