using System.Globalization;
using System.Text.Json;
using Bridgekeeper.Pci;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Platform.Tests;

/// <summary>
/// Replays every AER injection round QEMU 10 performed on the j_aer_latched machine: clone the machine
/// from the previous phase's config dumps, inject the round's errors as <c>pcie_aer_inject_error</c>
/// does, and compare every changed error register with what the guest read afterwards.
/// </summary>
public class AerReferenceRoundTests
{
    private static readonly string Folder = ReferenceData.PathOf("linux-groups", "j_aer_latched");

    // QEMU device ids of the topology (topology.json) and where the guest enumerated them (lspci-tree-boot.txt).
    private static readonly Dictionary<string, string> Ids = new()
    {
        ["rp1"] = "0000:00:02.0", ["ep1"] = "0000:01:00.0", ["rp2"] = "0000:00:03.0", ["ep2"] = "0000:02:00.0",
        ["rp3"] = "0000:00:04.0", ["usp"] = "0000:03:00.0", ["dspa"] = "0000:04:00.0", ["ep3"] = "0000:05:00.0",
        ["dspb"] = "0000:04:01.0", ["ep4"] = "0000:06:00.0", ["rp4"] = "0000:00:05.0", ["ep5"] = "0000:07:00.0",
    };

    public static TheoryData<int> Rounds()
    {
        var data = new TheoryData<int>();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "aer-rounds.json")));
        foreach (var round in doc.RootElement.EnumerateArray()) data.Add(round.GetProperty("round").GetInt32());
        return data;
    }

    [Theory]
    [MemberData(nameof(Rounds))]
    public void Injected_round_changes_exactly_the_registers_qemu_changed(int round)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "aer-rounds.json")));
        var r = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("round").GetInt32() == round);
        string previous = round == 1 ? "drivers" : $"inj{round - 1}";
        var machine = SimulatedMachine.Clone(LoadPhase(previous), QemuOptions);
        var before = ErrorRegisterSnapshot.Take(machine);
        foreach (var hmp in r.GetProperty("hmp").EnumerateArray())
        {
            var (device, bit, correctable, advisory, header) = ParseHmp(hmp.GetString()!);
            Assert.Equal(AerInjectOutcome.Injected, machine.InjectAerError(device, bit, correctable, advisory, header));
        }
        var actual = ErrorRegisterSnapshot.Changes(before, ErrorRegisterSnapshot.Take(machine)).Select(Format).ToList();
        var expected = r.GetProperty("register_changes").EnumerateArray().Select(c =>
            $"{c.GetProperty("bdf").GetString()} {c.GetProperty("register").GetString()}: {Value(c.GetProperty("before"))} -> {Value(c.GetProperty("after"))}").ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Stronger than the register list: after the round every byte of every function's config space
    /// equals the next phase's dump. This is what shows QEMU's stray stores (<see cref="AerQuirks.Qemu10"/>):
    /// Link Capabilities bits 15:0 of a function that took an uncorrectable error read 0 afterwards
    /// (ep2 in round 2: 0x00000411 -> 0x00000000), and logging a header zeroes AER + 0x38..0x47, which
    /// on QEMU's e1000e is the DSN capability's header and low serial (ep5 in round 4).
    /// </summary>
    [Theory]
    [MemberData(nameof(Rounds))]
    public void After_the_round_every_config_byte_equals_qemu_next_dump(int round)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "aer-rounds.json")));
        var r = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("round").GetInt32() == round);
        var machine = SimulatedMachine.Clone(LoadPhase(round == 1 ? "drivers" : $"inj{round - 1}"), QemuOptions);
        foreach (var hmp in r.GetProperty("hmp").EnumerateArray())
        {
            var (device, bit, correctable, advisory, header) = ParseHmp(hmp.GetString()!);
            machine.InjectAerError(device, bit, correctable, advisory, header);
        }
        var differences = new List<string>();
        foreach (var expected in LoadPhase($"inj{round}"))
        {
            var actual = machine.FunctionAt(expected.Address).Config.Bytes;
            var want = expected.Config.Bytes;
            for (int i = 0; i < want.Length; i++)
                if (actual[i] != want[i]) differences.Add($"{expected.Address} +0x{i:x3}: 0x{actual[i]:x2} != 0x{want[i]:x2}");
        }
        Assert.Empty(differences);
    }

    [Fact]
    public void Hardware_device_status_update_leaves_link_capabilities_alone_where_qemu_clears_bits_15_to_0()
    {
        var ep2 = Sbdf.Parse(Ids["ep2"]);
        foreach (var (mode, expected) in new[] { (AerQuirks.None, 0x0000_0411u), (AerQuirks.Qemu10, 0x0000_0000u) })
        {
            var machine = SimulatedMachine.Clone(LoadPhase("drivers"), new MachineOptions(AerQuirks: mode));
            var f = machine.FunctionAt(ep2);
            int linkCap = f.PcieCapability + PciExpressCapability.LinkCapabilities;
            Assert.Equal(0x0000_0411u, f.Config.ReadUInt32(linkCap));
            machine.InjectAerError(ep2, AerCapability.ReceiverError, correctable: true);
            Assert.Equal(0x0000_0411u, f.Config.ReadUInt32(linkCap)); // QEMU stores the correctable path's Device Status as a word
            machine.InjectAerError(ep2, AerCapability.UnsupportedRequest, correctable: false);
            Assert.Equal(expected, f.Config.ReadUInt32(linkCap));
            Assert.Equal(0x000Bu, f.Config.ReadUInt16(f.PcieCapability + PciExpressCapability.DeviceStatus)); // CED | NFED | URD
        }
    }

    private static MachineOptions QemuOptions => new(HeaderLog: HeaderLogByteOrder.QemuByteSwapped, AerQuirks: AerQuirks.Qemu10);

    [Fact]
    public void Every_round_in_the_text_listing_is_in_the_json()
    {
        int inText = File.ReadLines(Path.Combine(Folder, "aer-rounds.txt")).Count(l => l.StartsWith("=== round ", StringComparison.Ordinal));
        Assert.Equal(inText, Rounds().Count);
        Assert.Equal(8, inText);
    }

    internal static IEnumerable<ClonedFunction> LoadPhase(string phase)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Folder, "config", phase), "*.bin").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(file); // dddd_bb_dd.f
            var sbdf = Sbdf.Parse($"{name[..4]}:{name[5..7]}:{name[8..]}");
            yield return new ClonedFunction(sbdf, ConfigSpace.FromContent(File.ReadAllBytes(file)));
        }
    }

    private static (Sbdf Device, uint Bit, bool Correctable, bool Advisory, uint[] Header) ParseHmp(string hmp)
    {
        var words = hmp.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        bool advisory = words.Remove("-a"), correctableFlag = words.Remove("-c");
        var device = Sbdf.Parse(Ids[words[0]]);
        Assert.True(AerErrorNames.TryParse(words[1], correctableFlag, out uint bit, out bool correctable));
        uint[] header = words.Skip(2).Select(w => uint.Parse(w.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        return (device, bit, correctable, advisory, header);
    }

    private static string Format(RegisterChange c) => $"{c.Device} {c.Register}: {Show(c.Before)} -> {Show(c.After)}";

    private static string Show(object v) => v is string[] a ? "[" + string.Join(",", a) + "]" : Convert.ToString(v, CultureInfo.InvariantCulture)!;

    private static string Value(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "[" + string.Join(",", e.EnumerateArray().Select(x => x.GetString())) + "]",
        JsonValueKind.Number => e.GetInt32().ToString(CultureInfo.InvariantCulture),
        _ => e.GetString()!,
    };
}
