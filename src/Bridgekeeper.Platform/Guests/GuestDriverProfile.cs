using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform.Guests;

/// <summary>
/// How a guest's driver behaves during error recovery (Linux's pci_error_handlers as a guest would
/// run them): how fast it answers, what it votes, how long it needs to stop I/O, how it says so, and
/// whether it lies about having stopped DMA. The named presets are the models the recovery tests use.
/// </summary>
public sealed record GuestDriverProfile(
    string Name,
    bool Answers,
    SimTime ReplyDelay,
    SimTime QuiesceTime,
    RecoveryVote DetectedVote,
    RecoveryVote MmioVote,
    RecoveryVote SlotResetVote,
    bool QuiescesBySbrWrite,
    bool KeepsDmaAfterQuiesce)
{
    /// <summary>Answers at once, needs <paramref name="quiesceTime"/> to stop I/O, then writes SBR in its virtual root port.</summary>
    public static GuestDriverProfile Cooperative(SimTime quiesceTime, bool bySbrWrite = true) =>
        new("cooperative", true, SimTime.FromMicroseconds(20), quiesceTime, RecoveryVote.NeedReset, RecoveryVote.Recovered,
            RecoveryVote.Recovered, bySbrWrite, false);

    /// <summary>Can recover a non-fatal error without a reset (answers CAN_RECOVER, then RECOVERED at mmio_enabled).</summary>
    public static GuestDriverProfile CanRecover(SimTime quiesceTime) =>
        Cooperative(quiesceTime) with { Name = "can-recover", DetectedVote = RecoveryVote.CanRecover };

    /// <summary>Answers every step only after <paramref name="replyDelay"/> (within or beyond the timeout).</summary>
    public static GuestDriverProfile Slow(SimTime replyDelay, SimTime quiesceTime) =>
        Cooperative(quiesceTime) with { Name = "slow", ReplyDelay = replyDelay };

    /// <summary>Never answers and never quiesces (a hung or malicious guest).</summary>
    public static GuestDriverProfile Silent() =>
        Cooperative(SimTime.Zero) with { Name = "silent", Answers = false };

    /// <summary>Its driver has no error_detected callback (Linux votes NO_AER_DRIVER for it).</summary>
    public static GuestDriverProfile NoHandler() =>
        Cooperative(SimTime.Zero) with { Name = "no-handler", DetectedVote = RecoveryVote.NoAerDriver };

    /// <summary>Gives the device up (answers DISCONNECT).</summary>
    public static GuestDriverProfile Disconnect() =>
        Cooperative(SimTime.Zero) with { Name = "disconnect", DetectedVote = RecoveryVote.Disconnect };

    /// <summary>Says it quiesced but keeps its device's DMA running (the IOMMU block must stop it).</summary>
    public static GuestDriverProfile DmaAfterQuiesce(SimTime quiesceTime) =>
        Cooperative(quiesceTime) with { Name = "dma-after-quiesce", KeepsDmaAfterQuiesce = true };
}
