namespace Bridgekeeper.Hypervisor;

/// <summary>Per-guest choices made at creation.</summary>
public sealed record GuestOptions(ErrorNotification Notification = ErrorNotification.VirtualRootPort, string Name = "")
{
    /// <summary>First virtual SPI used for virtual root-port interrupts; slot NN uses base + NN.</summary>
    public uint RootPortInterruptBase { get; init; } = 64;
}
