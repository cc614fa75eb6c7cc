using System.Collections.Immutable;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation.Campaign;

/// <summary>
/// Draws one scenario from a seed for a campaign: on the built-in Arm server, one to three guests with
/// random notification options, driver models and quiesce times, each given a random device; one or
/// two uncorrectable errors (native or firmware-first, fatal or not) at random times on assigned
/// devices, sometimes a correctable burst, sometimes a device that never comes back. Assignments may
/// be refused (partial groups); only the invariants are checked.
/// </summary>
public static class RandomScenario
{
    /// <summary>Endpoints of the built-in arm-server a guest may be given.</summary>
    private static readonly string[] Devices = ["nvme0", "nvme1", "nvme10", "cx5-vf1", "cx5-vf2", "cx5-vf3", "cx5-vf4", "nic2", "zip"];

    private static readonly GuestDriverBehaviour[] Behaviours = Enum.GetValues<GuestDriverBehaviour>();

    private static readonly string[] Uncorrectable = ["DLP", "MALF_TLP", "COMP_TIME", "UNSUP", "POISON_TLP", "ECRC", "FCP"];

    public static Scenario Draw(ulong seed)
    {
        var random = new SeededRandom(seed);
        var source = $"campaign seed {seed}";
        var at = new SourceLine(source, 0);
        int guests = 1 + random.Next(3);
        var pool = Devices.ToList();
        var domains = ImmutableArray.CreateBuilder<GuestDomainSpec>();
        var assignments = ImmutableArray.CreateBuilder<AssignmentSpec>();
        var assigned = new List<DeviceRef>();
        for (int g = 0; g < guests && pool.Count > 0; g++)
        {
            string name = $"g{g + 1}";
            var behaviour = Behaviours[random.Next(Behaviours.Length)];
            domains.Add(new GuestDomainSpec(name, new DomainId(g + 1), random.Next(2) == 0 ? NotificationOption.VirtualGhes : NotificationOption.VirtualRootPort,
                behaviour, SimTime.FromMicroseconds(random.NextInRange(100, 20_000)), 1, at));
            int pick = random.Next(pool.Count);
            var device = new DeviceRef(pool[pick], null, at, $"assign[{g}].device");
            pool.RemoveAt(pick);
            assignments.Add(new AssignmentSpec([device], name, false, at));
            assigned.Add(device);
        }
        var errors = ImmutableArray.CreateBuilder<ErrorInjectionSpec>();
        int uncorrectable = 1 + random.Next(2);
        for (int i = 0; i < uncorrectable; i++)
        {
            var device = assigned[random.Next(assigned.Count)];
            string name = Uncorrectable[random.Next(Uncorrectable.Length)];
            AerErrorName.TryLookup(name, out uint bits, out _);
            var severity = random.Next(3) == 0 ? ErrorSeverity.NonFatal : ErrorSeverity.Fatal;
            var path = random.Next(3) == 0 ? ErrorPath.FirmwareFirst : ErrorPath.Native;
            errors.Add(new ErrorInjectionSpec(SimTime.FromMicroseconds(random.NextInRange(1_000, 200_000)), device, path, severity, name, bits, 1,
                SimTime.FromMicroseconds(10), at));
        }
        if (random.Next(4) == 0)
        {
            var device = assigned[random.Next(assigned.Count)];
            errors.Add(new ErrorInjectionSpec(SimTime.FromMicroseconds(random.NextInRange(0, 50_000)), device, ErrorPath.Native, ErrorSeverity.Correctable,
                "BAD_TLP", AerCapability.BadTlp, 1 + random.Next(200), SimTime.FromMicroseconds(1 + random.Next(50)), at));
        }
        var faults = ImmutableArray.CreateBuilder<FaultInjectionSpec>();
        if (random.Next(6) == 0) faults.Add(new FaultInjectionSpec(SimTime.Zero, assigned[random.Next(assigned.Count)], FaultKind.NeverReady, at));
        return new Scenario(source, $"campaign-{seed}", "", seed, new PlatformChoice("arm-server", null, at),
            new ScenarioPolicies(random.Next(2) == 0 ? GroupingPolicyChoice.Linux : GroupingPolicyChoice.Strict, ErrorPath.Native),
            domains.ToImmutable(), assignments.ToImmutable(), errors.ToImmutable(), faults.ToImmutable(), [], SimTime.FromMilliseconds(1800));
    }
}
