namespace Bridgekeeper.Hypervisor;

/// <summary>
/// Event kinds the passthrough core adds to the one timeline (beside <see cref="Bridgekeeper.Hardware.EventKinds"/>,
/// whose <c>device-quarantined</c> it also uses).
/// </summary>
public static class HypervisorEventKinds
{
    public const string GuestCreated = "guest-created";
    public const string GuestDestroyed = "guest-destroyed";
    public const string DeviceAssigned = "device-assigned";
    public const string DeviceDeassigned = "device-deassigned";
    public const string AssignmentRefused = "assignment-refused";
    public const string DeviceBroken = "device-broken";
    public const string DeviceReleased = "device-released";
    /// <summary>A hardware-domain config write refused because it would break a guest's isolation.</summary>
    public const string HardwareDomainWriteRefused = "hwdom-write-refused";
    /// <summary>A guest set Secondary Bus Reset in its virtual root port; handed to recovery, never to hardware.</summary>
    public const string GuestSecondaryBusReset = "guest-sbr-trapped";
    /// <summary>A guest enabled decode with a BAR whose page offset differs from the host's; decode stays off.</summary>
    public const string BarMapRefused = "bar-map-refused";
}
