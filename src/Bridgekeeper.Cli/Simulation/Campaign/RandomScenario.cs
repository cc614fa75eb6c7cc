using System.Collections.Immutable;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;

namespace Bridgekeeper.Cli.Simulation.Campaign;

/// <summary>
/// Draws one scenario from a seed for a campaign: a platform (the built-in Arm server in one run of
/// five, otherwise one of <see cref="DrawnPlatforms.Shapes"/> random platforms, <c>random:N</c>), one
/// to three guests with random notification options, driver models and quiesce times, each given a
/// random endpoint (sometimes every function of a multi-function device); one or two uncorrectable
/// errors (native or firmware-first, fatal or not; always firmware-first below a firmware-first root
/// port) at random times on assigned devices, sometimes a correctable burst, sometimes a device that
/// never comes back, sometimes a surprise removal at a random time. Assignments may be refused (partial groups); only the invariants are checked.
/// Everything depends on the seed alone, so <c>--runs 1 --seed S</c> replays the run of seed S.
/// </summary>
public static class RandomScenario
{
    /// <summary>Endpoints of the built-in arm-server a guest may be given (rp2, with the legacy NIC, is firmware-first).</summary>
    private static readonly ImmutableArray<AssignableDevice> ArmServerDevices =
    [
        .. new[] { "nvme0", "nvme1", "nvme10", "cx5-vf1", "cx5-vf2", "cx5-vf3", "cx5-vf4", "zip" }.Select(n => new AssignableDevice([n], false)),
        new AssignableDevice(["nic2", "nic2.1"], false),
    ];

    /// <summary>One run in this many is on the built-in arm-server; the others on a drawn platform.</summary>
    private const int ArmServerOneIn = 5;

    private static readonly GuestDriverBehaviour[] Behaviours = Enum.GetValues<GuestDriverBehaviour>();

    private static readonly string[] Uncorrectable = ["DLP", "MALF_TLP", "COMP_TIME", "UNSUP", "POISON_TLP", "ECRC", "FCP"];

    public static Scenario Draw(ulong seed)
    {
        var random = new SeededRandom(seed);
        var source = $"campaign seed {seed}";
        var at = new SourceLine(source, 0);
        var (platform, pool) = DrawPlatform(random);
        int guests = 1 + random.Next(3);
        var domains = ImmutableArray.CreateBuilder<GuestDomainSpec>();
        var assignments = ImmutableArray.CreateBuilder<AssignmentSpec>();
        var assigned = new List<(DeviceRef Device, bool FirmwareFirstOnly)>();
        for (int g = 0; g < guests && pool.Count > 0; g++)
        {
            string name = $"g{g + 1}";
            var behaviour = Behaviours[random.Next(Behaviours.Length)];
            domains.Add(new GuestDomainSpec(name, new DomainId(g + 1), random.Next(2) == 0 ? NotificationOption.VirtualGhes : NotificationOption.VirtualRootPort,
                behaviour, SimTime.FromMicroseconds(random.NextInRange(100, 20_000)), 1, at));
            int pick = random.Next(pool.Count);
            var endpoint = pool[pick];
            pool.RemoveAt(pick);
            // A multi-function device goes whole half the time (its functions share a group without ACS).
            int count = endpoint.Functions.Length > 1 && random.Next(2) == 0 ? endpoint.Functions.Length : 1;
            var devices = ImmutableArray.CreateBuilder<DeviceRef>(count);
            for (int i = 0; i < count; i++) devices.Add(new DeviceRef(endpoint.Functions[i], null, at, $"assign[{g}].devices[{i}]"));
            assigned.Add((devices[0], endpoint.BelowFirmwareFirstPort));
            assignments.Add(new AssignmentSpec(devices.MoveToImmutable(), name, false, at));
        }
        if (assigned.Count == 0) assigned.Add((new DeviceRef(platform.Fallback.Name, null, at, "errors[0].device"), platform.Fallback.FirmwareFirst));
        var errors = ImmutableArray.CreateBuilder<ErrorInjectionSpec>();
        int uncorrectable = 1 + random.Next(2);
        for (int i = 0; i < uncorrectable; i++)
        {
            var (device, firmwareFirstOnly) = assigned[random.Next(assigned.Count)];
            string name = Uncorrectable[random.Next(Uncorrectable.Length)];
            AerErrorName.TryLookup(name, out uint bits, out _);
            var severity = random.Next(3) == 0 ? ErrorSeverity.NonFatal : ErrorSeverity.Fatal;
            var path = random.Next(3) == 0 || firmwareFirstOnly ? ErrorPath.FirmwareFirst : ErrorPath.Native;
            errors.Add(new ErrorInjectionSpec(SimTime.FromMicroseconds(random.NextInRange(1_000, 200_000)), device, path, severity, name, bits, 1,
                SimTime.FromMicroseconds(10), at));
        }
        if (random.Next(4) == 0)
        {
            var (device, firmwareFirstOnly) = assigned[random.Next(assigned.Count)];
            errors.Add(new ErrorInjectionSpec(SimTime.FromMicroseconds(random.NextInRange(0, 50_000)), device,
                firmwareFirstOnly ? ErrorPath.FirmwareFirst : ErrorPath.Native, ErrorSeverity.Correctable,
                "BAD_TLP", AerCapability.BadTlp, 1 + random.Next(200), SimTime.FromMicroseconds(1 + random.Next(50)), at));
        }
        var faults = ImmutableArray.CreateBuilder<FaultInjectionSpec>();
        if (random.Next(6) == 0) faults.Add(new FaultInjectionSpec(SimTime.Zero, assigned[random.Next(assigned.Count)].Device, FaultKind.NeverReady, at));
        if (random.Next(8) == 0)
        {
            // A device pulled out at a random time, before, during or after the errors' recoveries (§6.7.3).
            faults.Add(new FaultInjectionSpec(SimTime.FromMicroseconds(random.NextInRange(0, 400_000)), assigned[random.Next(assigned.Count)].Device,
                FaultKind.SurpriseRemoval, at));
        }
        return new Scenario(source, $"campaign-{seed}", "", seed, new PlatformChoice(platform.Name, null, at),
            new ScenarioPolicies(random.Next(2) == 0 ? GroupingPolicyChoice.Linux : GroupingPolicyChoice.Strict, ErrorPath.Native),
            domains.ToImmutable(), assignments.ToImmutable(), errors.ToImmutable(), faults.ToImmutable(), [], SimTime.FromMilliseconds(1800));
    }

    private static ((string Name, (string Name, bool FirmwareFirst) Fallback) Platform, List<AssignableDevice> Pool) DrawPlatform(SeededRandom random)
    {
        if (random.Next(ArmServerOneIn) == 0) return (("arm-server", ("zip", false)), [.. ArmServerDevices]);
        ulong shape = (ulong)random.Next(DrawnPlatforms.Shapes);
        var drawn = DrawnPlatforms.Get(shape);
        // A drawn platform without endpoints still gets errors: on its first root port.
        var firstPort = drawn.Description.HostBridges[0].Devices[0];
        return ((DrawnPlatforms.NameOf(shape), (firstPort.Name, firstPort.FirmwareFirst)), [.. drawn.Assignable]);
    }
}
