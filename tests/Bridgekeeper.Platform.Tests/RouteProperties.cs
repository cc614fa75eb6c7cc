using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using CsCheck;
using Pcie = Bridgekeeper.Pci.PciExpressCapability;

namespace Bridgekeeper.Platform.Tests;

/// <summary>
/// Config request routing follows the bridges' registers and state as they are now, whatever happened
/// before: after every bus number write, Secondary Bus Reset, link change, ARI Forwarding change, surprise
/// removal, hot add and VF enable/disable, <see cref="PcieFabric.Route"/> reaches the function a walk over
/// every function of every bus reaches (PCIe Base 6.0 §7.5.1.3.3-4, §2.9.1, §7.3.1).
/// </summary>
public class RouteProperties
{
    private const ushort Sbr = 1 << 6; // Bridge Control: Secondary Bus Reset (PCI-to-PCI Bridge 1.2 §3.2.5.18)

    /// <summary>The routing rule written out plainly: every function of the bus, first claim in devfn order.</summary>
    private static SimFunction? ReferenceRoute(PcieFabric fabric, Sbdf address)
    {
        var host = fabric.HostBridgeOf(address.Segment);
        if (host is null || address.Bus < host.StartBus || address.Bus > host.EndBus) return null;
        var bus = host.RootBus;
        for (int depth = 0; depth < 256; depth++)
        {
            if (bus.Number == address.Bus) return bus.At(address.DevFn);
            var claim = bus.Functions.FirstOrDefault(f => f.SecondaryBus is not null && !f.Removed && !f.InReset
                && f.Config.Bytes[ConfigHeader.SecondaryBus] != 0
                && address.Bus >= f.Config.Bytes[ConfigHeader.SecondaryBus] && address.Bus <= f.Config.Bytes[ConfigHeader.SubordinateBus]);
            if (claim is null) return null;
            if (claim.IsDownstreamPort && !claim.LinkUp) return null;
            bool ari = claim.IsPcie && (claim.Config.ReadUInt16(claim.PcieCapability + Pcie.DeviceControl2) & Pcie.DevCtl2AriForwarding) != 0;
            if (claim.IsDownstreamPort && address.Bus == claim.Config.Bytes[ConfigHeader.SecondaryBus] && address.Device != 0 && !ari) return null;
            bus = claim.SecondaryBus!;
        }
        throw new InvalidOperationException("bus loop");
    }

    private static void AssertRoutesAgree(SimulatedMachine m, IReadOnlyList<Sbdf> addresses, string after)
    {
        foreach (var a in addresses)
        {
            var expected = ReferenceRoute(m.Fabric, a);
            var actual = m.Fabric.Route(a);
            Assert.True(ReferenceEquals(expected, actual), $"after {after}: {a} routes to {actual?.Name ?? "UR"}, expected {expected?.Name ?? "UR"}");
        }
    }

    private static void Step(SimulatedMachine m, Random random, List<string> log)
    {
        var all = m.Fabric.AllFunctions().ToList();
        var bridges = all.Where(f => f.SecondaryBus is not null).ToList();
        var ports = bridges.Where(f => f.IsDownstreamPort).ToList();
        var pick = all[random.Next(all.Count)];
        switch (random.Next(9))
        {
            case 0 when bridges.Count > 0:
            {
                var b = bridges[random.Next(bridges.Count)];
                int offset = random.Next(2) == 0 ? ConfigHeader.SecondaryBus : ConfigHeader.SubordinateBus;
                uint value = (uint)random.Next(256);
                m.Fabric.WriteTo(b, offset, 1, value);
                log.Add($"{b.Name}[{offset:x2}] = {value:x2}");
                break;
            }
            case 1 when bridges.Count > 0:
            {
                var b = bridges[random.Next(bridges.Count)];
                uint bc = b.Config.ReadUInt16(ConfigHeader.BridgeControl);
                m.Fabric.WriteTo(b, ConfigHeader.BridgeControl, 2, bc ^ Sbr);
                log.Add($"{b.Name} SBR {((bc & Sbr) == 0 ? "on" : "off")}");
                break;
            }
            case 2 when ports.Count > 0:
            {
                var p = ports[random.Next(ports.Count)];
                m.Resets.LinkDown(p, reportSurpriseDown: false);
                log.Add($"{p.Name} link down");
                break;
            }
            case 3 when ports.Count > 0:
            {
                var p = ports[random.Next(ports.Count)];
                m.Resets.LinkRetrain(p);
                log.Add($"{p.Name} retrain");
                break;
            }
            case 4 when ports.Count > 0:
            {
                var p = ports[random.Next(ports.Count)];
                int at = p.PcieCapability + Pcie.DeviceControl2;
                m.Fabric.WriteTo(p, at, 2, (uint)(p.Config.ReadUInt16(at) ^ Pcie.DevCtl2AriForwarding));
                log.Add($"{p.Name} ARI forwarding toggled");
                break;
            }
            case 5 when pick.UpstreamBridge is { IsDownstreamPort: true }:
                m.Resets.SurpriseRemove(pick, reportSurpriseDown: false);
                log.Add($"{pick.Name} removed");
                break;
            case 6 when pick.Removed && pick.UpstreamBridge is { IsDownstreamPort: true } port:
                // The same card comes back into its slot (§6.7.3 hot add).
                m.Resets.HotAdd(port, [(pick, pick.DevFn)]);
                log.Add($"{pick.Name} hot added");
                break;
            case 7 when pick.SriovCapability != 0:
            {
                uint control = pick.Config.ReadUInt16(pick.SriovCapability + SriovCapability.Control);
                m.Fabric.WriteTo(pick, pick.SriovCapability + SriovCapability.NumVfs, 2, 2);
                m.Fabric.WriteTo(pick, pick.SriovCapability + SriovCapability.Control, 2, control ^ SriovCapability.VfEnable);
                log.Add($"{pick.Name} VF Enable toggled");
                break;
            }
            default:
            {
                var by = SimTime.FromMilliseconds(random.Next(1, 300));
                m.EventLoop.RunUntil(m.EventLoop.Now + by);
                log.Add($"{by} passed");
                break;
            }
        }
    }

    private static void RandomEvents(SimulatedMachine m, ulong seed)
    {
        var random = new Random((int)seed);
        // Every address a function had, plus neighbours a wrong route could reach.
        var addresses = m.Fabric.AllFunctions().Select(f => f.Address).ToHashSet();
        foreach (var a in addresses.ToList())
        {
            addresses.Add(new Sbdf(a.Segment, a.Bus, (a.Device + 1) & 31, 0));
            addresses.Add(new Sbdf(a.Segment, (byte)(a.Bus + 1), 0, 0));
            addresses.Add(new Sbdf(a.Segment, (byte)(a.Bus + 1), 1, 0));
        }
        var list = addresses.ToList();
        var log = new List<string>();
        AssertRoutesAgree(m, list, "boot");
        for (int i = 0; i < 40; i++)
        {
            Step(m, random, log);
            AssertRoutesAgree(m, list, string.Join(", ", log));
        }
    }

    [Fact]
    public void Routing_on_the_built_in_platform_matches_the_plain_walk_after_random_events()
    {
        Gen.ULong.Sample(seed => RandomEvents(SimulatedMachine.Create(BuiltInPlatforms.ArmServer), seed), iter: 40);
    }

    [Fact]
    public void Routing_on_drawn_platforms_matches_the_plain_walk_after_random_events()
    {
        Gen.ULong.Sample(seed => RandomEvents(SimulatedMachine.Create(RandomPlatformGenerator.Generate(seed).Description), seed), iter: 40);
    }
}
