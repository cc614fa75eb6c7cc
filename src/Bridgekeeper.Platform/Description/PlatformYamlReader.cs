using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using Bridgekeeper.Hardware;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bridgekeeper.Platform;

/// <summary>
/// Reads a platform file (YAML, schema in docs/platform-schema.md). Every mistake — a missing or
/// unknown key, a number out of range, an unknown model — is a <see cref="PlatformFormatException"/>
/// naming the file, the line and the field; nothing is guessed.
/// </summary>
public static class PlatformYamlReader
{
    private static readonly FrozenSet<string> TopKeys = Keys("name", "host_bridges", "firmware_first");
    private static readonly FrozenSet<string> HostKeys = Keys("name", "segment", "ecam", "bus_range", "mmio32", "mmio64", "io", "stream_id_base", "device_id_base", "intx_spi_base", "devices");
    private static readonly FrozenSet<string> DeviceKeys = Keys("name", "model", "at", "spi", "acs", "slot", "port", "serial", "firmware_first",
        "link_training_ms", "immediate_readiness", "readiness_ms", "never_ready", "reported_readiness_ms", "drs", "frs", "no_soft_reset", "clone", "children");
    private static readonly FrozenSet<string> GhesKeys = Keys("source_id", "root_port", "notify", "vector", "version", "status_address_register",
        "block_address", "block_length", "read_ack_register");

    /// <summary>HEST notification types by name (ACPI 6.5 Table 18.14).</summary>
    public static readonly FrozenDictionary<string, byte> NotifyTypes = new Dictionary<string, byte>
    {
        ["polled"] = 0, ["external"] = 1, ["local"] = 2, ["sci"] = 3, ["nmi"] = 4, ["cmci"] = 5, ["mce"] = 6,
        ["gpio"] = 7, ["sea"] = 8, ["sei"] = 9, ["gsiv"] = 10, ["sdei"] = 11,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static PlatformDescription ReadFile(string path) => Read(File.ReadAllText(path), path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");

    public static PlatformDescription Read(string text, string source, string baseDirectory = ".")
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e) { throw new PlatformFormatException(source, e.Start.Line, "(document)", e.Message); }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new PlatformFormatException(source, 1, "(document)", "expected one YAML mapping");
        var ctx = new Context(source, baseDirectory);
        ctx.CheckKeys(root, TopKeys, "");
        string name = ctx.String(root, "name", "");
        var hosts = ImmutableArray.CreateBuilder<HostBridgeDescription>();
        foreach (var node in ctx.Sequence(root, "host_bridges", "", required: true))
            hosts.Add(ReadHost(ctx, ctx.Mapping(node, "host_bridges[]")));
        FirmwareFirstDescription? ff = null;
        if (ctx.Optional(root, "firmware_first") is YamlMappingNode ffNode)
        {
            ctx.CheckKeys(ffNode, Keys("global", "ghes"), "firmware_first.");
            var sources = ImmutableArray.CreateBuilder<GhesSourceDescription>();
            foreach (var g in ctx.Sequence(ffNode, "ghes", "firmware_first.", required: false))
                sources.Add(ReadGhes(ctx, ctx.Mapping(g, "firmware_first.ghes[]")));
            ff = new FirmwareFirstDescription(ctx.Bool(ffNode, "global", "firmware_first.", false), sources.ToImmutable());
        }
        return new PlatformDescription(name, hosts.ToImmutable(), ff);
    }

    private static HostBridgeDescription ReadHost(Context ctx, YamlMappingNode m)
    {
        const string p = "host_bridges[].";
        ctx.CheckKeys(m, HostKeys, p);
        var range = ctx.Sequence(m, "bus_range", p, required: true).ToList();
        if (range.Count != 2) throw ctx.Error(m, p + "bus_range", "expected [first, last]");
        ulong first = ctx.Number(range[0], p + "bus_range[0]", 255), last = ctx.Number(range[1], p + "bus_range[1]", 255);
        if (last < first) throw ctx.Error(range[1], p + "bus_range", $"last bus {last} is below first bus {first}");
        var (m32b, m32s) = Window(ctx, m, "mmio32", p);
        var (m64b, m64s) = Window(ctx, m, "mmio64", p);
        var (iob, ios) = Window(ctx, m, "io", p);
        // PCI I/O space is 32 bits wide (PCI Local Bus 3.0 §3.2.2; PCI-to-PCI Bridge 1.2 §3.2.5.6).
        if (iob + ios > 0x1_0000_0000 || iob + ios < iob)
            throw ctx.Error(ctx.Optional(m, "io")!, p + "io", $"window 0x{iob:x} + 0x{ios:x} leaves the 32-bit I/O space");
        var devices = ImmutableArray.CreateBuilder<DeviceDescription>();
        foreach (var d in ctx.Sequence(m, "devices", p, required: false))
            devices.Add(ReadDevice(ctx, ctx.Mapping(d, p + "devices[]"), p + "devices[]."));
        return new HostBridgeDescription(ctx.String(m, "name", p), (uint)ctx.Number(m, "segment", p, 0xFFFF),
            ctx.Number(m, "ecam", p, ulong.MaxValue), (byte)first, (byte)last, m32b, m32s, m64b, m64s,
            (uint)ctx.Number(m, "stream_id_base", p, uint.MaxValue, 0), (uint)ctx.Number(m, "device_id_base", p, uint.MaxValue, 0),
            devices.ToImmutable(),
            IntxSpiBase(ctx, m, p), iob, ios);
    }

    // INTA..INTD take four consecutive SPIs, and SPIs are INTID 32..1019 (GICv3, Arm IHI 0069 §2.2.1).
    private static uint? IntxSpiBase(Context ctx, YamlMappingNode m, string p)
    {
        if (ctx.Optional(m, "intx_spi_base") is not { } node) return null;
        ulong v = ctx.Number(node, p + "intx_spi_base", 1016);
        if (v < 32) throw ctx.Error(node, p + "intx_spi_base", $"{v} is not an SPI (INTID 32..1016 for four INTx lines)");
        return (uint)v;
    }

    private static (ulong Base, ulong Size) Window(Context ctx, YamlMappingNode m, string key, string p)
    {
        if (ctx.Optional(m, key) is not YamlMappingNode w) return (0, 0);
        ctx.CheckKeys(w, Keys("base", "size"), p + key + ".");
        return (ctx.Number(w, "base", p + key + ".", ulong.MaxValue), ctx.Number(w, "size", p + key + ".", ulong.MaxValue));
    }

    private static DeviceDescription ReadDevice(Context ctx, YamlMappingNode m, string p)
    {
        ctx.CheckKeys(m, DeviceKeys, p);
        string name = ctx.String(m, "name", p);
        string model = ctx.String(m, "model", p);
        string at = ctx.String(m, "at", p);
        if (!TryParseDevFn(at, out int device, out int function))
            throw ctx.Error(ctx.Optional(m, "at")!, p + "at", $"'{at}' is not device.function (for example 00.0)");
        FunctionReadiness? readiness = null;
        if (ctx.Optional(m, "readiness_ms") is YamlMappingNode r)
        {
            ctx.CheckKeys(r, Keys("reset", "flr", "vf_enable"), p + "readiness_ms.");
            readiness = new FunctionReadiness(Ms(ctx, r, "reset", p + "readiness_ms.", 100), Ms(ctx, r, "flr", p + "readiness_ms.", 100),
                Ms(ctx, r, "vf_enable", p + "readiness_ms.", 100), ctx.Bool(m, "never_ready", p, false));
        }
        else if (ctx.Bool(m, "never_ready", p, false))
        {
            readiness = FunctionReadiness.SpecDefault with { NeverReady = true };
        }
        ReadinessTimesOption? reported = null;
        if (ctx.Optional(m, "reported_readiness_ms") is YamlMappingNode rr)
        {
            ctx.CheckKeys(rr, Keys("reset", "dl_up", "flr"), p + "reported_readiness_ms.");
            reported = new ReadinessTimesOption(Ms(ctx, rr, "reset", p, 100).Nanoseconds, Ms(ctx, rr, "dl_up", p, 100).Nanoseconds, Ms(ctx, rr, "flr", p, 100).Nanoseconds);
        }
        var options = new DeviceOptions(
            Acs: ctx.Optional(m, "acs") is null ? null : ctx.Bool(m, "acs", p, true),
            Slot: ctx.Optional(m, "slot") is null ? null : (int)ctx.Number(m, "slot", p, 0x1FFF),
            Serial: ctx.Number(m, "serial", p, ulong.MaxValue, 0),
            ImmediateReadiness: ctx.Bool(m, "immediate_readiness", p, false),
            ReportedReadiness: reported,
            Readiness: readiness,
            PortNumber: (int)ctx.Number(m, "port", p, 255, 0),
            Drs: ctx.Bool(m, "drs", p, false),
            NoSoftReset: ctx.Bool(m, "no_soft_reset", p, true),
            Frs: ctx.Bool(m, "frs", p, false));
        string? clone = null;
        if (model == "clone")
        {
            clone = Path.Combine(ctx.BaseDirectory, ctx.String(m, "clone", p));
            if (!File.Exists(clone)) throw ctx.Error(ctx.Optional(m, "clone")!, p + "clone", $"no config dump at {clone}");
        }
        else if (!DeviceCatalog.TryCreate(model, options, out _))
        {
            throw ctx.Error(ctx.Optional(m, "model")!, p + "model", $"unknown model '{model}'; known: {string.Join(", ", DeviceCatalog.Names)}, clone");
        }
        SimTime? training = ctx.Optional(m, "link_training_ms") is null ? null : Ms(ctx, m, "link_training_ms", p, 0);
        var children = ImmutableArray.CreateBuilder<DeviceDescription>();
        foreach (var c in ctx.Sequence(m, "children", p, required: false))
            children.Add(ReadDevice(ctx, ctx.Mapping(c, p + "children[]"), p + "children[]."));
        uint? spi = ctx.Optional(m, "spi") is null ? null : (uint)ctx.Number(m, "spi", p, 1019);
        if (spi is < 32) throw ctx.Error(ctx.Optional(m, "spi")!, p + "spi", "SPIs are INTID 32..1019");
        return new DeviceDescription(name, model, device, function, options, spi, training,
            ctx.Bool(m, "firmware_first", p, false), children.ToImmutable(), clone, (int)m.Start.Line);
    }

    private static GhesSourceDescription ReadGhes(Context ctx, YamlMappingNode m)
    {
        const string p = "firmware_first.ghes[].";
        ctx.CheckKeys(m, GhesKeys, p);
        string notify = ctx.String(m, "notify", p);
        if (!NotifyTypes.TryGetValue(notify, out byte type))
            throw ctx.Error(ctx.Optional(m, "notify")!, p + "notify", $"unknown notification '{notify}'; known: {string.Join(", ", NotifyTypes.Keys.Order(StringComparer.Ordinal))}");
        int version = (int)ctx.Number(m, "version", p, 2, 2);
        if (version is not (1 or 2)) throw ctx.Error(ctx.Optional(m, "version")!, p + "version", "GHES version is 1 or 2");
        return new GhesSourceDescription((ushort)ctx.Number(m, "source_id", p, 0xFFFE), ctx.Optional(m, "root_port") is null ? null : ctx.String(m, "root_port", p),
            type, (uint)ctx.Number(m, "vector", p, uint.MaxValue, 0), version,
            ctx.Number(m, "status_address_register", p, ulong.MaxValue), ctx.Number(m, "block_address", p, ulong.MaxValue),
            (uint)ctx.Number(m, "block_length", p, 0x10_0000, 4096), version == 2 ? ctx.Number(m, "read_ack_register", p, ulong.MaxValue) : 0);
    }

    private static SimTime Ms(Context ctx, YamlMappingNode m, string key, string p, long fallback)
    {
        if (ctx.Optional(m, key) is not { } node) return SimTime.FromMilliseconds(fallback);
        string text = ctx.Scalar(node, p + key);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) || ms < 0 || ms > 1e7)
            throw ctx.Error(node, p + key, $"'{text}' is not a time in milliseconds");
        return new SimTime((long)Math.Round(ms * 1e6));
    }

    public static bool TryParseDevFn(string text, out int device, out int function)
    {
        device = function = 0;
        int dot = text.IndexOf('.');
        return dot > 0
            && int.TryParse(text.AsSpan(0, dot), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out device)
            && int.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out function)
            && device is >= 0 and < 32 && function is >= 0 and < 8;
    }

    private static FrozenSet<string> Keys(params string[] keys) => keys.ToFrozenSet(StringComparer.Ordinal);

    private sealed class Context(string source, string baseDirectory)
    {
        public string BaseDirectory { get; } = baseDirectory;

        public PlatformFormatException Error(YamlNode node, string field, string problem) => new(source, node.Start.Line, field, problem);

        public void CheckKeys(YamlMappingNode m, FrozenSet<string> allowed, string prefix)
        {
            foreach (var key in m.Children.Keys)
            {
                string k = key is YamlScalarNode s ? s.Value ?? "" : "";
                if (!allowed.Contains(k)) throw Error(key, prefix + k, $"unknown key; expected one of {string.Join(", ", allowed.Order(StringComparer.Ordinal))}");
            }
        }

        public YamlNode? Optional(YamlMappingNode m, string key) => m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

        public YamlMappingNode Mapping(YamlNode node, string field) => node as YamlMappingNode ?? throw Error(node, field, "expected a mapping");

        public IEnumerable<YamlNode> Sequence(YamlMappingNode m, string key, string prefix, bool required)
        {
            var node = Optional(m, key);
            if (node is null)
            {
                if (required) throw Error(m, prefix + key, "missing");
                return [];
            }
            return node is YamlSequenceNode s ? s.Children : throw Error(node, prefix + key, "expected a list");
        }

        public string Scalar(YamlNode node, string field) => node is YamlScalarNode { Value: { } v } ? v : throw Error(node, field, "expected a value");

        public string String(YamlMappingNode m, string key, string prefix) =>
            Optional(m, key) is { } node ? Scalar(node, prefix + key) : throw Error(m, prefix + key, "missing");

        public bool Bool(YamlMappingNode m, string key, string prefix, bool fallback)
        {
            if (Optional(m, key) is not { } node) return fallback;
            return Scalar(node, prefix + key) switch
            {
                "true" or "yes" or "on" => true,
                "false" or "no" or "off" => false,
                var other => throw Error(node, prefix + key, $"'{other}' is not true or false"),
            };
        }

        public ulong Number(YamlMappingNode m, string key, string prefix, ulong max, ulong? fallback = null)
        {
            if (Optional(m, key) is not { } node)
                return fallback ?? throw Error(m, prefix + key, "missing");
            return Number(node, prefix + key, max);
        }

        public ulong Number(YamlNode node, string field, ulong max)
        {
            string text = Scalar(node, field).Replace("_", "", StringComparison.Ordinal);
            bool ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v)
                : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out v);
            if (!ok) throw Error(node, field, $"'{text}' is not a number");
            if (v > max) throw Error(node, field, $"{v} is larger than {max}");
            return v;
        }
    }
}
