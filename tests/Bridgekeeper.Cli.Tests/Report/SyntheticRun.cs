using System.Collections.Immutable;
using Bridgekeeper.Cli.Report;
using Bridgekeeper.Cli.Simulation;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Tests.Report;

/// <summary>A small hand-built run (topology, groups, scopes, one recovery) for the writers' tests.</summary>
internal static class SyntheticRun
{
    public static readonly Sbdf RootPort = Sbdf.Parse("0000:00:01.0");
    public static readonly Sbdf Upstream = Sbdf.Parse("0000:01:00.0");
    public static readonly Sbdf Downstream = Sbdf.Parse("0000:02:00.0");
    public static readonly Sbdf Nvme = Sbdf.Parse("0000:03:00.0");
    public static readonly Sbdf Nic0 = Sbdf.Parse("0000:04:00.0");
    public static readonly Sbdf Nic1 = Sbdf.Parse("0000:04:00.1");
    public static readonly DomainId Guest = new(1);

    public static TopologySnapshot Topology() => new(
        [
            new("hb0", null, TopologyNodeKind.HostBridge, "segment 0 <script>", null, null, "d0"),
            new("00:01.0", RootPort, TopologyNodeKind.RootPort, "Root Port", "hb0", 0, "d0"),
            new("01:00.0", Upstream, TopologyNodeKind.SwitchUpstreamPort, "Switch Upstream", "00:01.0", 0, "d0"),
            new("02:00.0", Downstream, TopologyNodeKind.SwitchDownstreamPort, "Switch Downstream", "01:00.0", 0, "d0"),
            new("03:00.0", Nvme, TopologyNodeKind.Endpoint, "NVMe SSD", "02:00.0", 1, "d1"),
            new("04:00.0", Nic0, TopologyNodeKind.Endpoint, "NIC port 0", "01:00.0", 2, "d0"),
            new("04:00.1", Nic1, TopologyNodeKind.Endpoint, "NIC port 1", "01:00.0", 2, "d0"),
        ],
        [
            new GroupView(0, [RootPort, Upstream, Downstream], "ports"),
            new GroupView(1, [Nvme], "isolated by ACS"),
            new GroupView(2, [Nic0, Nic1], "multifunction without ACS & <b>"),
        ],
        [new ResetScopeView("sbr-02:00.0", Downstream, "SBR", [Nvme])]);

    public static List<TimelineEvent> Events()
    {
        var recovery = KeyValuePair.Create<string, object?>("recovery", "r1");
        return
        [
            TimelineEvent.Of(SimTime.FromMilliseconds(1), "device-reported", Nvme, DomainId.Hardware, "reported"),
            TimelineEvent.Of(SimTime.FromMilliseconds(50), EventKinds.ErrorDetected, Nvme, null, "fatal MALF_TLP", recovery, KeyValuePair.Create<string, object?>("severity", ErrorSeverity.Fatal)),
            TimelineEvent.Of(SimTime.FromMicroseconds(50_010), EventKinds.OwnerNotified, Nvme, Guest, "told via virtual root port", recovery),
            TimelineEvent.Of(SimTime.FromMicroseconds(50_020), EventKinds.OwnerVote, Nvme, Guest, "NEED_RESET", recovery, KeyValuePair.Create<string, object?>("vote", RecoveryVote.NeedReset)),
            TimelineEvent.Of(SimTime.FromMicroseconds(53_010), EventKinds.OwnerQuiesced, Nvme, Guest, "SBR write trapped", recovery),
            TimelineEvent.Of(SimTime.FromMicroseconds(53_011), EventKinds.DmaBlocked, Nvme, null, "IOMMU blocks the scope", recovery, KeyValuePair.Create<string, object?>("scope", new[] { Nvme })),
            TimelineEvent.Of(SimTime.FromMicroseconds(53_012), EventKinds.SbrAssert, Downstream, null, "SBR asserted", recovery),
            TimelineEvent.Of(SimTime.FromMicroseconds(55_012), EventKinds.SbrDeassert, Downstream, null, "SBR deasserted", recovery),
            TimelineEvent.Of(SimTime.FromMicroseconds(155_100), EventKinds.DeviceReady, Nvme, null, "ready", recovery),
            TimelineEvent.Of(SimTime.FromMicroseconds(155_200), EventKinds.ConfigRestored, Nvme, null, "restored", recovery),
            TimelineEvent.Of(SimTime.FromMicroseconds(155_201), EventKinds.DmaUnblocked, Nvme, null, "unblocked", recovery, KeyValuePair.Create<string, object?>("scope", new[] { Nvme })),
            TimelineEvent.Of(SimTime.FromMicroseconds(155_300), EventKinds.OwnerResumed, Nvme, Guest, "resumed", recovery),
            TimelineEvent.Of(SimTime.FromMicroseconds(155_301), EventKinds.RecoveryComplete, Nvme, null, "recovered", recovery),
        ];
    }

    public static SimulationReport Report()
    {
        var events = Events();
        var summary = RunSummaryBuilder.Build("synthetic", 42, events, [], []);
        return new SimulationReport("Bridgekeeper run: synthetic", Topology(), events, summary);
    }
}
