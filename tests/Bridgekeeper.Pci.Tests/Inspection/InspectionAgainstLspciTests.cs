using System.Globalization;
using System.Text.RegularExpressions;
using Bridgekeeper.Pci.Tests.Import;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Pci.Tests.Inspection;

/// <summary>
/// For every real dump in shared/reference/lspci, the inspection report must say what pciutils 3.9.0
/// printed for it (the .vvv.txt beside the dump): the capability list, port type, link, bus numbers,
/// Bridge Control, AER, ACS and SR-IOV registers, bit by bit where lspci shows bits.
/// </summary>
public class InspectionAgainstLspciTests
{
    public static TheoryData<string> Dumps() => LspciRoundTripTests.Dumps();

    private static (InspectionReport Report, List<LspciVerboseText> Lspci) Load(string dump)
    {
        var host = LspciDumpReader.Read(ReferenceData.PathOf("lspci", dump));
        var report = FunctionInspector.Inspect(host);
        string vvv = File.ReadAllText(ReferenceData.PathOf("lspci", Path.ChangeExtension(dump, null) + ".vvv.txt"));
        var lspci = LspciVerboseText.Parse(vvv);
        Assert.Equal(lspci.Select(b => b.Address).Order(), report.Functions.Select(f => Sbdf.Parse(f.Sbdf)));
        return (report, lspci);
    }

    private static FunctionReport For(InspectionReport report, Sbdf address) => report.Functions.Single(f => Sbdf.Parse(f.Sbdf) == address);

    [Theory]
    [MemberData(nameof(Dumps))]
    public void Capability_list_matches_lspci(string dump)
    {
        var (report, lspci) = Load(dump);
        foreach (var block in lspci)
        {
            var f = For(report, block.Address);
            var expected = block.Capabilities().ToList();
            Assert.True(expected.Count == f.Capabilities.Count,
                $"{dump} {block.Address}: lspci lists [{string.Join(", ", expected.Select(e => $"{e.Offset:x}"))}], Bridgekeeper [{string.Join(", ", f.Capabilities.Select(c => $"{c.Offset:x}"))}]");
            for (int i = 0; i < expected.Count; i++)
            {
                var (offset, extended, text) = expected[i];
                var cap = f.Capabilities[i];
                Assert.Equal((offset, extended), (cap.Offset, cap.Extended));
                Assert.True(LspciCapabilityNames.Matches(text, cap.Id, extended), $"{dump} {block.Address} [{offset:x}]: lspci says '{text}', Bridgekeeper found ID 0x{cap.Id:x}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dumps))]
    public void Identity_matches_lspci_numeric_output(string dump)
    {
        var host = LspciDumpReader.Read(ReferenceData.PathOf("lspci", dump));
        var report = FunctionInspector.Inspect(host);
        // lspci -n -mm: slot "class" "vendor" "device" [-rXX] [-pXX] ...
        string text = RealLspci.Run("-F", ReferenceData.PathOf("lspci", dump), "-n", "-mm");
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(report.Functions.Count, rows.Length);
        foreach (string row in rows)
        {
            var m = Regex.Match(row, @"^(\S+) ""([0-9a-f]{4})"" ""([0-9a-f]{4})"" ""([0-9a-f]{4})""(?:.* -p([0-9a-f]{2}))?");
            Assert.True(m.Success, row);
            var f = For(report, Sbdf.Parse(m.Groups[1].Value));
            int progIf = m.Groups[5].Success ? Hex(m.Groups[5].Value) : 0;
            Assert.Equal(Hex(m.Groups[2].Value) << 8 | progIf, f.ClassCode);
            Assert.Equal(Hex(m.Groups[3].Value), f.VendorId);
            Assert.Equal(Hex(m.Groups[4].Value), f.DeviceId);
        }
    }

    [Theory]
    [MemberData(nameof(Dumps))]
    public void Header_type_port_type_and_link_match_lspci(string dump)
    {
        var (report, lspci) = Load(dump);
        foreach (var block in lspci)
        {
            var f = For(report, block.Address);
            string where = $"{dump} {block.Address}";
            if (block.Line("!!! Unknown header type") is { } unknown)
                Assert.Equal(Hex(unknown.Split(' ')[^1]), f.HeaderType);
            if (block.Line("Bus: primary=") is not null)
                Assert.True(f.HeaderType is 1 or 2, where);
            else if (block.Line("!!!") is null && block.Line("Capabilities: <access denied>") is null)
                Assert.True(f.HeaderType == 0 || block.Lines.Count == 0, where);

            var express = block.Capabilities().Where(c => !c.Extended && c.Text.StartsWith("Express", StringComparison.Ordinal)).ToList();
            if (express.Count == 0)
            {
                Assert.Null(f.Pcie);
                continue;
            }
            Assert.NotNull(f.Pcie);
            var m = Regex.Match(express[0].Text, @"^Express \(v(\d+)\) (.+?)(?: \(Slot[+-]\))?, MSI");
            Assert.True(m.Success, express[0].Text);
            Assert.Equal(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), f.Pcie!.Version);
            Assert.Equal(LspciPortTypeName(m.Groups[2].Value), f.Pcie.PortType);
            if (block.Line("LnkSta:") is { } lnk)
            {
                var s = Regex.Match(lnk, @"Speed (\S+?)(?: \(downgraded\))?, Width x(\d+)");
                Assert.True(s.Success, lnk);
                Assert.Equal(s.Groups[1].Value, f.Pcie.LinkSpeedText);
                Assert.Equal(int.Parse(s.Groups[2].Value, CultureInfo.InvariantCulture), f.Pcie.LinkWidth);
            }
            else
            {
                Assert.True(f.Pcie.LinkSpeed is null || block.Line("DevCap:") is null, $"{where}: lspci shows no LnkSta");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dumps))]
    public void Bridge_bus_numbers_and_control_match_lspci(string dump)
    {
        var (report, lspci) = Load(dump);
        foreach (var block in lspci)
        {
            var f = For(report, block.Address);
            if (block.Line("Bus: primary=") is not { } bus)
            {
                if (block.Line("!!!") is null) Assert.Null(f.Bridge);
                continue;
            }
            var m = Regex.Match(bus, "primary=([0-9a-f]{2}), secondary=([0-9a-f]{2}), subordinate=([0-9a-f]{2})");
            Assert.True(m.Success, bus);
            Assert.NotNull(f.Bridge);
            Assert.Equal((Hex(m.Groups[1].Value), Hex(m.Groups[2].Value), Hex(m.Groups[3].Value)),
                (f.Bridge!.PrimaryBus, f.Bridge.SecondaryBus, f.Bridge.SubordinateBus));
            string ctl = block.Line("BridgeCtl:") ?? throw new Xunit.Sdk.XunitException($"{dump} {block.Address}: no BridgeCtl line");
            (int, string)[] names = f.HeaderType == 2
                ? [(0, "Parity"), (1, "SERR"), (2, "ISA"), (3, "VGA"), (5, "MAbort"), (6, ">Reset"), (7, "16bInt"), (10, "PostWrite")]
                : [(0, "Parity"), (1, "SERR"), (2, "NoISA"), (3, "VGA"), (4, "VGA16"), (5, "MAbort"), (6, ">Reset"), (7, "FastB2B")];
            var (value, mask) = LspciVerboseText.Flags(ctl, names);
            Assert.True((mask & 0x40) != 0, $"{dump}: >Reset flag not found in '{ctl}'");
            Assert.Equal(value, (uint)f.Bridge.BridgeControl & mask);
            Assert.Equal(ctl.Contains(">Reset+"), f.Bridge.SecondaryBusReset);
            if (f.HeaderType == 1 && block.LineAfter("BridgeCtl:") is { } second && second.StartsWith("PriDiscTmr", StringComparison.Ordinal))
            {
                var (v2, m2) = LspciVerboseText.Flags(second, [(8, "PriDiscTmr"), (9, "SecDiscTmr"), (10, "DiscTmrStat"), (11, "DiscTmrSERREn")]);
                Assert.Equal(v2, (uint)f.Bridge.BridgeControl & m2);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dumps))]
    public void Aer_acs_and_sriov_registers_match_lspci(string dump)
    {
        var (report, lspci) = Load(dump);
        foreach (var block in lspci)
        {
            var f = For(report, block.Address);
            string where = $"{dump} {block.Address}";
            if (block.Line("UESta:") is { } uesta)
            {
                Assert.NotNull(f.Aer);
                var aer = f.Aer!;
                CheckFlags(where, uesta, aer.UncorrectableStatus, ErrorBitNames.Uncorrectable);
                CheckFlags(where, block.Line("UEMsk:")!, aer.UncorrectableMask, ErrorBitNames.Uncorrectable);
                CheckFlags(where, block.Line("UESvrt:")!, aer.UncorrectableSeverity, ErrorBitNames.Uncorrectable);
                CheckFlags(where, block.Line("CESta:")!, aer.CorrectableStatus, ErrorBitNames.Correctable);
                CheckFlags(where, block.Line("CEMsk:")!, aer.CorrectableMask, ErrorBitNames.Correctable);
                string cap = block.Line("AERCap:")!;
                var fep = Regex.Match(cap, "First Error Pointer: ([0-9a-f]{2})");
                Assert.Equal(Hex(fep.Groups[1].Value), (int)(aer.CapabilitiesControl & 0x1F));
                CheckFlags(where, cap + " " + block.LineAfter("AERCap:"), aer.CapabilitiesControl,
                    [(5, "ECRCGenCap"), (6, "ECRCGenEn"), (7, "ECRCChkCap"), (8, "ECRCChkEn"), (9, "MultHdrRecCap"), (10, "MultHdrRecEn"), (11, "TLPPfxPres"), (12, "HdrLogCap")]);
            }
            else
            {
                Assert.True(f.Aer is null, $"{where}: lspci shows no AER registers");
            }

            if (block.Line("ACSCap:") is { } acsCap)
            {
                Assert.NotNull(f.Acs);
                (int, string)[] acsNames = [(0, "SrcValid"), (1, "TransBlk"), (2, "ReqRedir"), (3, "CmpltRedir"), (4, "UpstreamFwd"), (5, "EgressCtrl"), (6, "DirectTrans")];
                CheckFlags(where, acsCap, (uint)f.Acs!.Capability, acsNames);
                CheckFlags(where, block.Line("ACSCtl:")!, (uint)f.Acs.Control, acsNames);
                Assert.Equal(AcsCapability.Names((ushort)f.Acs.Capability).Count(), acsNames.Count(n => acsCap.Contains(n.Item2 + "+")));
            }
            else
            {
                Assert.True(f.Acs is null, $"{where}: lspci shows no ACS registers");
            }

            if (block.Line("Initial VFs:") is { } vfs)
            {
                Assert.NotNull(f.Sriov);
                var m = Regex.Match(vfs, @"Initial VFs: (\d+), Total VFs: (\d+), Number of VFs: (\d+)");
                Assert.Equal((Dec(m.Groups[1].Value), Dec(m.Groups[2].Value), Dec(m.Groups[3].Value)), (f.Sriov!.InitialVFs, f.Sriov.TotalVFs, f.Sriov.NumVFs));
                var r = Regex.Match(block.Line("VF offset:")!, @"VF offset: (\d+), stride: (\d+), Device ID: ([0-9a-f]{4})");
                Assert.Equal((Dec(r.Groups[1].Value), Dec(r.Groups[2].Value), Hex(r.Groups[3].Value)), (f.Sriov.FirstVfOffset, f.Sriov.VfStride, f.Sriov.VfDeviceId));
            }
            else
            {
                Assert.True(f.Sriov is null, $"{where}: lspci shows no SR-IOV counts");
            }
        }
    }

    [Fact]
    public void The_reference_dumps_exercise_every_structure()
    {
        // Guards against a vacuous pass: the dumps must contain each structure the checks above compare.
        var all = ReferenceData.Files("lspci", "*.dump").Select(Path.GetFileName).SelectMany(d => Load(d!).Report.Functions).ToList();
        Assert.Contains(all, f => f.Aer is not null);
        Assert.Contains(all, f => f.Acs is not null);
        Assert.Contains(all, f => f.Sriov is not null);
        Assert.Contains(all, f => f.Bridge is not null);
        Assert.Contains(all, f => f.Pcie?.LinkSpeed is not null);
        Assert.Contains(all, f => f.Warnings.Count > 0);
    }

    private static void CheckFlags(string where, string line, uint actual, IEnumerable<(int Bit, string Name)> table)
    {
        var (value, mask) = LspciVerboseText.Flags(line, table);
        Assert.True(mask != 0, $"{where}: no flags found in '{line}'");
        Assert.True(value == (actual & mask), $"{where}: '{line}' says 0x{value:x8} under mask 0x{mask:x8}, Bridgekeeper has 0x{actual & mask:x8}");
    }

    private static string LspciPortTypeName(string lspci) => lspci switch
    {
        "Endpoint" => "Endpoint",
        "Legacy Endpoint" => "LegacyEndpoint",
        "Root Port" => "RootPort",
        "Upstream Port" => "UpstreamPort",
        "Downstream Port" => "DownstreamPort",
        "PCI-Express to PCI/PCI-X Bridge" => "PcieToPciBridge",
        "PCI/PCI-X to PCI-Express Bridge" => "PciToPcieBridge",
        "Root Complex Integrated Endpoint" => "RCiEP",
        "Root Complex Event Collector" => "RCEC",
        _ => $"lspci: {lspci}",
    };

    private static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static int Dec(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
