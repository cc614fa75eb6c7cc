using System.Collections.Immutable;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Hypervisor.Topology;

/// <summary>
/// Receives the hardware domain's PHYSDEVOP-style reports in any order and keeps the tree the hypervisor
/// trusts: its own ECAM walk below the reported host bridges (<see cref="EcamEnumerator"/>). Each report is
/// checked against ECAM when it arrives and answered (absent device, wrong type, not a VF of that PF, ARI
/// claimed without ARI, overlapping host bridges are refused); what only the whole picture shows (a
/// function or bridge never reported, a VF whose PF never came, a function outside every host bridge, a
/// bridge whose bus numbers moved, a removed function that still answers) is a finding of the rebuild.
/// Every report, answer and finding is recorded and emitted as a timeline event. Because the tree comes
/// from ECAM under the reported host bridges, the order of reports cannot change it.
/// </summary>
public sealed class TopologyRegistry : IPhysdevOps
{
    private readonly IConfigAccess _ecam;
    private readonly IEventSink _events;
    private readonly IClock _clock;
    private readonly List<PhysdevReport> _reports = [];
    private readonly List<HostBridge> _hostBridges = [];
    private readonly Dictionary<Sbdf, (PhysdevDeviceFlags Flags, Sbdf? Pf)> _reported = [];
    private readonly HashSet<Sbdf> _removed = [];
    private readonly Dictionary<Sbdf, (byte Secondary, byte Subordinate)> _bridgeBuses = [];
    private readonly HashSet<string> _findingsEmitted = [];
    private PciTopology? _topology;
    private ImmutableArray<string> _findings = [];
    private readonly Dictionary<GroupingPolicy, IsolationGroups> _groups = [];

    public TopologyRegistry(IConfigAccess ecam, IEventSink events, IClock clock)
    {
        _ecam = ecam;
        _events = events;
        _clock = clock;
    }

    /// <summary>Every report in arrival order with its answer.</summary>
    public IReadOnlyList<PhysdevReport> Reports => _reports;

    public IReadOnlyList<HostBridge> HostBridges => _hostBridges;

    /// <summary>Functions the hardware domain has reported and not removed.</summary>
    public IReadOnlyCollection<Sbdf> ReportedFunctions => _reported.Keys;

    /// <summary>The tree as of the latest report (rebuilt on demand from ECAM).</summary>
    public PciTopology Topology => _topology ??= Rebuild();

    /// <summary>Inconsistencies between the reports and the rebuilt tree, in words.</summary>
    public ImmutableArray<string> Findings
    {
        get { _ = Topology; return _findings; }
    }

    /// <summary>Isolation groups of the current tree (cached until the next report).</summary>
    public IsolationGroups Groups(GroupingPolicy policy)
    {
        var topology = Topology;
        if (!_groups.TryGetValue(policy, out var g) || g.Topology != topology) _groups[policy] = g = IsolationGroupBuilder.Build(topology, policy);
        return g;
    }

    public PhysdevResult ReportHostBridge(ulong ecamBase, uint segment, byte startBus, byte endBus)
    {
        var bridge = new HostBridge(segment, startBus, endBus, ecamBase);
        PhysdevResult result;
        if (endBus < startBus)
            result = PhysdevResult.Refused("EINVAL", $"bus range {startBus:x2}-{endBus:x2} is empty");
        else if (_hostBridges.Contains(bridge))
            result = PhysdevResult.Ok;
        else if (_hostBridges.FirstOrDefault(h => h.Segment == segment && h.StartBus <= endBus && startBus <= h.EndBus) is { } other)
            result = PhysdevResult.Refused("EEXIST", $"buses {startBus:x2}-{endBus:x2} of segment {segment:x4} overlap host bridge {other}");
        else
        {
            _hostBridges.Add(bridge);
            _hostBridges.Sort((a, b) => a.Segment != b.Segment ? a.Segment.CompareTo(b.Segment) : a.StartBus.CompareTo(b.StartBus));
            Invalidate();
            result = PhysdevResult.Ok;
        }
        return Record(PhysdevReportKind.HostBridge, null, PhysdevDeviceFlags.None, null, bridge, result);
    }

    public PhysdevResult ReportDeviceAdd(Sbdf device, PhysdevDeviceFlags flags, Sbdf? physicalFunction, int? proximityDomain)
    {
        var result = CheckAdd(device, flags, physicalFunction);
        if (result.Accepted)
        {
            _reported[device] = (flags, physicalFunction);
            _removed.Remove(device);
            Invalidate();
        }
        return Record(PhysdevReportKind.DeviceAdd, device, flags, physicalFunction, null, result);
    }

    public PhysdevResult ReportDeviceRemove(Sbdf device)
    {
        PhysdevResult result;
        if (!_reported.Remove(device))
            result = PhysdevResult.Refused("ENODEV", $"{device} was never reported");
        else
        {
            _removed.Add(device);
            Invalidate();
            result = PhysdevResult.Ok;
        }
        return Record(PhysdevReportKind.DeviceRemove, device, PhysdevDeviceFlags.None, null, null, result);
    }

    public PhysdevResult ReportDeviceReset(Sbdf device)
    {
        // A reset may clear bus numbers or change what a function exposes: read ECAM again.
        var result = _reported.ContainsKey(device) ? PhysdevResult.Ok : PhysdevResult.Refused("ENODEV", $"{device} was never reported");
        if (result.Accepted) Invalidate();
        return Record(PhysdevReportKind.DeviceReset, device, PhysdevDeviceFlags.None, null, null, result);
    }

    private PhysdevResult CheckAdd(Sbdf device, PhysdevDeviceFlags flags, Sbdf? pf)
    {
        if (_reported.ContainsKey(device)) return PhysdevResult.Refused("EEXIST", $"{device} is already reported");
        bool virtfn = (flags & PhysdevDeviceFlags.VirtualFunction) != 0;
        if (virtfn)
        {
            if (pf is not { } p) return PhysdevResult.Refused("EINVAL", $"{device} is reported as a VF without its PF");
            if (EcamFunctionReader.VendorId(_ecam, p) == 0xFFFF) return PhysdevResult.Refused("ENODEV", $"PF {p} of VF {device} does not answer in ECAM");
            var pfFacts = FunctionFacts.Read(EcamFunctionReader.Read(_ecam, p).Bytes);
            if (pfFacts.SriovOffset == 0) return PhysdevResult.Refused("EINVAL", $"{p} has no SR-IOV capability, so {device} cannot be its VF");
            if (!pfFacts.VfEnabled) return PhysdevResult.Refused("ENODEV", $"{p} has VF Enable clear, so VF {device} does not exist");
            if (!EcamEnumerator.VirtualFunctionsOf(p, pfFacts).Contains(device))
                return PhysdevResult.Refused("EINVAL", $"{device} is not one of the {pfFacts.NumVfs} VFs of {p} (First VF Offset {pfFacts.FirstVfOffset}, VF Stride {pfFacts.VfStride})");
        }
        else
        {
            if (pf is not null) return PhysdevResult.Refused("EINVAL", $"{device} names a PF but is not reported as a VF");
            if (EcamFunctionReader.VendorId(_ecam, device) == 0xFFFF) return PhysdevResult.Refused("ENODEV", $"{device} does not answer in ECAM (Vendor ID reads ffff)");
        }
        if ((flags & PhysdevDeviceFlags.ExtendedFunction) != 0 && !FunctionFacts.Read(EcamFunctionReader.Read(_ecam, device).Bytes).HasAri)
            return PhysdevResult.Refused("EINVAL", $"{device} is reported as an ARI extended function but has no ARI capability");
        if (!_hostBridges.Any(h => h.Decodes(device)))
            return new PhysdevResult(true, "PENDING", $"no host bridge decoding {device} is reported yet; it joins the tree when one is");
        if (virtfn && !_reported.ContainsKey(pf!.Value))
            return new PhysdevResult(true, "PENDING", $"VF {device} is reported before its PF {pf}; it joins the tree when the PF is reported");
        return PhysdevResult.Ok;
    }

    private PhysdevResult Record(PhysdevReportKind kind, Sbdf? device, PhysdevDeviceFlags flags, Sbdf? pf, HostBridge? host, PhysdevResult result)
    {
        var report = new PhysdevReport(_reports.Count, _clock.Now, kind, device, flags, pf, host, result);
        _reports.Add(report);
        _events.Emit(TimelineEvent.Of(_clock.Now, result.Accepted ? TopologyEventKinds.PhysdevReport : TopologyEventKinds.PhysdevRefused,
            device, DomainId.Hardware, report.ToString(),
            new("report", kind.ToString()), new("code", result.Code), new("reason", result.Reason)));
        return result;
    }

    private void Invalidate() => _topology = null;

    private PciTopology Rebuild()
    {
        var functions = new List<FunctionConfig>();
        var facts = new List<FunctionFacts>();
        EcamEnumerator.Enumerate(_ecam, _hostBridges, functions, facts);
        var topology = PciTopologyBuilder.Build(functions, facts, _hostBridges);
        var findings = ImmutableArray.CreateBuilder<string>();
        foreach (var w in topology.Warnings) findings.Add(w);
        foreach (var node in topology.Nodes)
        {
            if (_reported.ContainsKey(node.Address)) continue;
            findings.Add(_removed.Contains(node.Address)
                ? $"{node.Address} was reported removed but still answers in ECAM; it stays in the tree"
                : $"{(node.IsBridge ? "bridge" : "function")} {node.Address} is in ECAM below a reported host bridge but was never reported");
        }
        // Reported functions the walk did not reach, in address order (usually none, so nothing to sort).
        List<Sbdf>? unreached = null;
        foreach (var address in _reported.Keys)
            if (!topology.Contains(address)) (unreached ??= []).Add(address);
        if (unreached is not null)
        {
            unreached.Sort();
            foreach (var address in unreached)
            {
                var pf = _reported[address].Pf;
                if (!_hostBridges.Any(h => h.Decodes(address))) findings.Add($"{address} was reported but no reported host bridge decodes it");
                else if (pf is { } p && !_reported.ContainsKey(p)) findings.Add($"VF {address} was reported but its PF {p} never was");
                else findings.Add($"{address} was reported but the ECAM walk from its host bridge does not reach it");
            }
        }
        foreach (var node in topology.Nodes)
        {
            if (!node.IsBridge) continue;
            var now = (node.Facts.SecondaryBus, node.Facts.SubordinateBus);
            // The first numbers seen are kept: a move is reported against them, not against the last rebuild.
            if (!_bridgeBuses.TryGetValue(node.Address, out var before)) _bridgeBuses.Add(node.Address, now);
            else if (before != now)
                findings.Add($"bridge {node.Address} bus numbers moved from {before.Secondary:x2}-{before.Subordinate:x2} to {now.SecondaryBus:x2}-{now.SubordinateBus:x2}");
        }
        _findings = findings.ToImmutable();
        foreach (var f in _findings)
        {
            if (_findingsEmitted.Add(f))
                _events.Emit(TimelineEvent.Of(_clock.Now, TopologyEventKinds.TopologyFinding, null, DomainId.Hardware, f));
        }
        return topology;
    }
}
