using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bridgekeeper.Cli.Acpi;
using Bridgekeeper.Firmware.Acpi.Hest;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Cli.Tests.Decode;

/// <summary>`bridgekeeper decode hest FILE --json` on the reference tables, checked against the independent walks.</summary>
public class DecodeHestCommandTests
{
    public static TheoryData<string> WalkedTables()
    {
        string root = ReferenceData.PathOf("hest");
        var tables = Directory.EnumerateFiles(root, "*.walk.txt", SearchOption.AllDirectories)
            .Select(w => Path.GetRelativePath(root, w[..^".walk.txt".Length] + ".bin")).Order(StringComparer.Ordinal).ToList();
        if (tables.Count < 19) throw new InvalidOperationException($"expected the walked HEST reference set, found {tables.Count}");
        return new TheoryData<string>(tables);
    }

    private static int Hex(string s) => int.Parse(s.Replace("0x", ""), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(WalkedTables))]
    public void Json_error_sources_equal_the_independent_walk(string table)
    {
        // The JSON `decode hest --json` prints (HestReport.Json), made in-process to keep the suite fast;
        // the process tests below check the command prints exactly this.
        string bin = ReferenceData.PathOf("hest", table);
        using var doc = JsonDocument.Parse(HestReport.Json(HestReader.Read(File.ReadAllBytes(bin), bin)));
        var root = doc.RootElement;
        foreach (string key in new[] { "signature", "length", "revision", "checksumValid", "errorSourceCount", "errorSources", "warnings" })
            Assert.True(root.TryGetProperty(key, out _), $"missing top-level key {key}");

        var lines = File.ReadAllLines(bin[..^4] + ".walk.txt");
        var head = Regex.Match(lines[0], @"len=(\d+) rev=(\d+) checksum_ok=(\w+) count=(\d+)");
        Assert.Equal("HEST", root.GetProperty("signature").GetString());
        Assert.Equal(int.Parse(head.Groups[1].Value), root.GetProperty("length").GetInt32());
        Assert.Equal(int.Parse(head.Groups[2].Value), root.GetProperty("revision").GetInt32());
        Assert.Equal(bool.Parse(head.Groups[3].Value), root.GetProperty("checksumValid").GetBoolean());
        Assert.Equal(int.Parse(head.Groups[4].Value), root.GetProperty("errorSourceCount").GetInt32());
        Assert.Equal(0, root.GetProperty("warnings").GetArrayLength());

        var sources = root.GetProperty("errorSources").EnumerateArray().ToList();
        var walk = lines.Skip(1).ToList();
        Assert.Equal(walk.Count, sources.Count);
        for (int i = 0; i < walk.Count; i++)
        {
            var w = Regex.Match(walk[i], @"@0x(?<off>\w+) type=\s*(?<type>\d+) len=\s*(?<len>\d+) source_id=0x(?<id>\w+)");
            var s = sources[i];
            Assert.Equal(Hex(w.Groups["off"].Value), s.GetProperty("offset").GetInt32());
            Assert.Equal(int.Parse(w.Groups["type"].Value), s.GetProperty("type").GetInt32());
            Assert.Equal(int.Parse(w.Groups["len"].Value), s.GetProperty("length").GetInt32());
            Assert.Equal(Hex(w.Groups["id"].Value), s.GetProperty("sourceId").GetInt32());

            var flags = Regex.Match(walk[i], @"flags=0x(?<f>\w+)\(FF=(?<ff>\d),Global=(?<g>\d)\) enabled=(?<en>\d) bdf=(?<bus>\w+):(?<dev>\w+)\.(?<fn>\w+)");
            if (flags.Success)
            {
                Assert.Equal(Hex(flags.Groups["f"].Value), s.GetProperty("flags").GetInt32());
                Assert.Equal(flags.Groups["ff"].Value == "1", s.GetProperty("firmwareFirst").GetBoolean());
                Assert.Equal(flags.Groups["g"].Value == "1", s.GetProperty("global").GetBoolean());
                Assert.Equal(flags.Groups["en"].Value == "1", s.GetProperty("enabled").GetBoolean());
                Assert.Equal(Hex(flags.Groups["bus"].Value), s.GetProperty("bus").GetInt32());
                Assert.Equal(Hex(flags.Groups["dev"].Value), s.GetProperty("device").GetInt32());
                Assert.Equal(Hex(flags.Groups["fn"].Value), s.GetProperty("function").GetInt32());
            }
            var related = Regex.Match(walk[i], @"related=0x(?<r>\w+) enabled=(?<en>\d)");
            if (related.Success)
            {
                Assert.Equal(Hex(related.Groups["r"].Value), s.GetProperty("relatedSourceId").GetInt32());
                Assert.Equal(related.Groups["en"].Value == "1", s.GetProperty("enabled").GetBoolean());
                Assert.True(s.GetProperty("errorStatusAddress").GetProperty("address").GetUInt64() > 0);
                Assert.True(s.TryGetProperty("errorBlockLength", out _));
                Assert.Equal(s.GetProperty("type").GetInt32() == 10, s.TryGetProperty("readAckPreserve", out _));
            }
            var notify = Regex.Match(walk[i], @"notify=(?<n>\d+)");
            if (notify.Success)
                Assert.Equal(int.Parse(notify.Groups["n"].Value), s.GetProperty("notify").GetProperty("type").GetInt32());
            else
                Assert.False(s.TryGetProperty("notify", out _));
        }
    }

    [Theory]
    [InlineData("bad-checksum", "BadChecksum", 0x9)]
    [InlineData("count-too-large", "CountMismatch", 0x24)]
    [InlineData("ghesv2-notify-length-16", "NotifyLength", 0x295)]
    [InlineData("ghesv2-notify-type-12-reserved", "ReservedNotifyType", 0x294)]
    [InlineData("header-only-36-bytes", "TableTooShort", 0x24)]
    [InlineData("length-field-shorter-than-file", "TrailingBytes", 0x430)]
    [InlineData("truncated-mid-ghesv2", "TruncatedSubtable", 0x2D0)]
    [InlineData("unknown-subtable-type-12", "UnknownSubtableType", 0x150)]
    public void Json_warnings_name_the_kind_and_offset_of_each_edge_case(string name, string kind, int offset)
    {
        string bin = ReferenceData.PathOf("hest", "crafted", "edge", name + ".bin");
        using var doc = JsonDocument.Parse(HestReport.Json(HestReader.Read(File.ReadAllBytes(bin), bin)));
        Assert.Contains(doc.RootElement.GetProperty("warnings").EnumerateArray(),
            w => w.GetProperty("kind").GetString() == kind && w.GetProperty("offset").GetInt32() == offset);
    }

    [Theory]
    [InlineData("crafted/hest-mixed-all-types.bin")]
    [InlineData("crafted/edge/truncated-mid-ghesv2.bin")]
    public void The_command_prints_the_json_report_and_exits_0(string table)
    {
        string bin = ReferenceData.PathOf("hest", table);
        var run = BridgekeeperProcess.Run("decode", "hest", bin, "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(HestReport.Json(HestReader.Read(File.ReadAllBytes(bin), bin)), run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void A_length_longer_than_the_file_exits_2_naming_the_offset_and_field()
    {
        var run = BridgekeeperProcess.Run("decode", "hest", ReferenceData.PathOf("hest", "crafted", "edge", "length-field-longer-than-file.bin"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("offset 0x4: Length", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Text_output_names_notification_types_with_the_raw_value_beside()
    {
        var run = BridgekeeperProcess.Run("decode", "hest", ReferenceData.PathOf("hest", "crafted", "hest-ghesv2-all-notify.bin"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        foreach (string n in new[] { "Polled (0)", "External Interrupt (1)", "Local Interrupt (2)", "SCI (3)", "NMI (4)", "CMCI (5)",
                     "MCE (6)", "GPIO-Signal (7)", "SEA (8)", "SEI (9)", "GSIV (10)", "SDEI (11)" })
            Assert.Contains($"notify {n}", run.Stdout);
        Assert.Contains("Generic Hardware Error Source v2 (type 10)", run.Stdout);
        Assert.Contains("read ack SystemMemory (0)", run.Stdout);
    }

    [Fact]
    public void A_missing_file_exits_2()
    {
        var run = BridgekeeperProcess.Run("decode", "hest", "/nonexistent/HEST.bin");
        Assert.Equal(2, run.ExitCode);
    }
}
