namespace Bridgekeeper.Firmware.Cper.Json;

/// <summary>Notification type GUIDs of the record header (UEFI 2.10 App. N.2.1 Table N-1) with libcper's names.</summary>
public static class CperNotificationTypes
{
    public static readonly Guid Pcie = new("cf93c01f-1a16-4dfc-b8bc-9c4daf67c104");

    public static readonly (Guid Type, string Name)[] All =
    [
        (new("2dce8bb1-bdd7-450e-b9ad-9cf4ebd4f890"), "CMC"),
        (new("4e292f96-d843-4a55-a8c2-d481f27ebeee"), "CPE"),
        (new("e8f56ffe-919c-4cc5-ba88-65abe14913bb"), "MCE"),
        (Pcie, "PCIe"),
        (new("cc5263e8-9308-454a-89d0-340bd39bc98e"), "INIT"),
        (new("5bad89ff-b7e6-42c9-814a-cf2485d6e98a"), "NMI"),
        (new("3d61a466-ab40-409a-a698-f362d464b38f"), "Boot"),
        (new("667dd791-c6b3-4c27-8a6b-0f8e722deb41"), "DMAr"),
        (new("9a78788a-bbe8-11e4-809e-67611e5d46b0"), "SEA"),
        (new("5c284c81-b0ae-4e87-a322-b04c85624323"), "SEI"),
        (new("09a9d5ac-5204-4214-96e5-94992e752bcd"), "PEI"),
        (new("69293bc9-41df-49a3-b4bd-4fb0db3041f6"), "CXL Component"),
    ];

    public static string NameOf(Guid type)
    {
        foreach (var (g, n) in All)
            if (g == type) return n;
        return "Unknown";
    }
}
