using System.Collections.Immutable;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bridgekeeper.Cli.Simulation;

/// <summary>
/// Reads a scenario YAML file (docs/scenario-schema.md) into a <see cref="Scenario"/>. Strict: unknown
/// fields, duplicate names, dangling references and values out of range are errors naming file, line
/// and field; nothing is guessed.
/// </summary>
public static class ScenarioLoader
{
    public const string DefaultPlatform = "arm-server";

    private static readonly string[] TopLevelFields =
        ["name", "description", "seed", "platform", "policies", "domains", "assign", "errors", "faults", "expect", "runFor"];

    public static Scenario Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"scenario file '{path}' does not exist", path);
        return Parse(File.ReadAllText(path), path);
    }

    public static Scenario Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new ScenarioFormatException(source, Math.Max(1, (int)ex.Start.Line), "(yaml)", ex.InnerException?.Message ?? ex.Message);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner can fail without a position on some malformed plain scalars; the
            // document is still the user's bad input, so report it as such (line unknown: the first).
            throw new ScenarioFormatException(source, 1, "(yaml)", $"unreadable YAML ({ex.Message})");
        }
        if (stream.Documents.Count != 1)
            throw new ScenarioFormatException(source, 1, "(document)", $"expected one YAML document, found {stream.Documents.Count}");

        var root = YamlMappingView.Of(stream.Documents[0].RootNode, source, "");
        root.RejectUnknownKeys(TopLevelFields);

        var domains = ReadDomains(root);
        var names = domains.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var policies = ReadPolicies(root);
        return new Scenario(
            source,
            root.OptionalString("name") ?? Path.GetFileNameWithoutExtension(source),
            root.OptionalString("description") ?? "",
            root.Has("seed") ? (ulong)root.OptionalInteger("seed", 0, 0, long.MaxValue) : null,
            ReadPlatform(root, source),
            policies,
            domains,
            ReadAssignments(root, names),
            ReadErrors(root, policies.ErrorHandling),
            ReadFaults(root),
            ReadExpectations(root, names),
            root.OptionalTime("runFor") ?? Scenario.DefaultRunFor);
    }

    private static PlatformChoice ReadPlatform(YamlMappingView root, string source)
    {
        string text = root.OptionalString("platform") ?? DefaultPlatform;
        var at = root.LineOf("platform");
        if (!text.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) && !text.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            return new PlatformChoice(text, null, at);
        string folder = Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".";
        return new PlatformChoice(null, Path.GetFullPath(Path.Combine(folder, text)), at);
    }

    private static ScenarioPolicies ReadPolicies(YamlMappingView root)
    {
        var p = root.OptionalMapping("policies");
        if (p is null) return new ScenarioPolicies(GroupingPolicyChoice.Linux, ErrorPath.Native);
        p.RejectUnknownKeys("grouping", "errors");
        return new ScenarioPolicies(
            p.OptionalEnum("grouping", GroupingPolicyChoice.Linux, ("linux", GroupingPolicyChoice.Linux), ("strict", GroupingPolicyChoice.Strict)),
            ReadPath(p, "errors", ErrorPath.Native));
    }

    private static ErrorPath ReadPath(YamlMappingView m, string key, ErrorPath fallback) =>
        m.OptionalEnum(key, fallback, ("native", ErrorPath.Native), ("firmware-first", ErrorPath.FirmwareFirst));

    private static ImmutableArray<GuestDomainSpec> ReadDomains(YamlMappingView root)
    {
        var list = ImmutableArray.CreateBuilder<GuestDomainSpec>();
        var items = root.OptionalSequence("domains");
        for (int i = 0; i < items.Count; i++)
        {
            var d = YamlMappingView.Of(items[i], root.File, $"domains[{i}]");
            d.RejectUnknownKeys("name", "id", "notify", "driver", "quiesce", "dma");
            string name = d.RequireString("name");
            if (name == "hardware" || name == "quarantine") throw d.Error("name", $"'{name}' is reserved");
            var id = new DomainId((int)d.OptionalInteger("id", i + 1, 1, 0x7FEF));
            foreach (var earlier in list)
            {
                if (earlier.Name == name) throw d.Error("name", $"domain '{name}' is defined twice (first at line {earlier.At.Line})");
                if (earlier.Id == id) throw d.Error("id", $"domain id {id.Value} is already used by '{earlier.Name}'");
            }
            list.Add(new GuestDomainSpec(
                name,
                id,
                d.OptionalEnum("notify", NotificationOption.VirtualRootPort, ("a", NotificationOption.VirtualGhes), ("b", NotificationOption.VirtualRootPort)),
                d.OptionalEnum("driver", GuestDriverBehaviour.Cooperative,
                    ("cooperative", GuestDriverBehaviour.Cooperative), ("can-recover", GuestDriverBehaviour.CanRecover), ("slow", GuestDriverBehaviour.Slow),
                    ("silent", GuestDriverBehaviour.Silent), ("no-handler", GuestDriverBehaviour.NoHandler),
                    ("disconnect", GuestDriverBehaviour.Disconnect), ("dma-after-quiesce", GuestDriverBehaviour.DmaAfterQuiesce)),
                d.OptionalTime("quiesce") ?? SimTime.FromMilliseconds(2),
                d.OptionalNumber("dma", 10, 0, 1_000_000),
                d.At));
        }
        return list.ToImmutable();
    }

    private static ImmutableArray<AssignmentSpec> ReadAssignments(YamlMappingView root, HashSet<string> domains)
    {
        var list = ImmutableArray.CreateBuilder<AssignmentSpec>();
        var items = root.OptionalSequence("assign");
        for (int i = 0; i < items.Count; i++)
        {
            var a = YamlMappingView.Of(items[i], root.File, $"assign[{i}]");
            a.RejectUnknownKeys("device", "devices", "to", "refused");
            string to = a.RequireString("to");
            if (!domains.Contains(to)) throw a.Error("to", $"no domain named '{to}' (define it under domains)");
            ImmutableArray<DeviceRef> devices;
            if (a.Has("device") == a.Has("devices"))
                throw new ScenarioFormatException(a.At, $"assign[{i}].device", "give either device (one function) or devices (a list)");
            if (a.Has("device"))
            {
                devices = [ReadDevice(a, "device")];
            }
            else
            {
                var listed = a.OptionalSequence("devices");
                if (listed.Count == 0) throw a.Error("devices", "must list at least one function");
                devices = [.. listed.Select((n, j) => ReadDevice(a, "devices", n, j))];
            }
            list.Add(new AssignmentSpec(devices, to, a.OptionalBool("refused", false), a.At));
        }
        return list.ToImmutable();
    }

    private static ImmutableArray<ErrorInjectionSpec> ReadErrors(YamlMappingView root, ErrorPath defaultPath)
    {
        var list = ImmutableArray.CreateBuilder<ErrorInjectionSpec>();
        var items = root.OptionalSequence("errors");
        for (int i = 0; i < items.Count; i++)
        {
            var e = YamlMappingView.Of(items[i], root.File, $"errors[{i}]");
            e.RejectUnknownKeys("at", "device", "path", "error", "severity", "count", "every");
            var at = e.OptionalTime("at") ?? throw e.Error("at", "is required (a virtual time such as 50ms)");
            string error = e.RequireString("error");
            uint bits;
            bool correctable;
            if (error.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                bits = (uint)e.OptionalInteger("error", 0, 1, uint.MaxValue);
                correctable = e.OptionalString("severity") is "correctable";
                uint allowed = correctable ? AerCapability.CorrectableBits : AerCapability.UncorrectableBits;
                if ((bits & ~allowed) != 0)
                    throw e.Error("error", $"0x{bits:x8} sets bits that are not {(correctable ? "correctable" : "uncorrectable")} error status bits (allowed 0x{allowed:x8})");
            }
            else if (!AerErrorName.TryLookup(error, out bits, out correctable))
            {
                throw e.Error("error", $"'{error}' is not an AER error name (one of {string.Join(", ", AerErrorName.Names)}) or 0xBITS");
            }
            var defaultSeverity = correctable ? ErrorSeverity.Correctable
                : (bits & AerCapability.DefaultSeverity) != 0 ? ErrorSeverity.Fatal : ErrorSeverity.NonFatal;
            var severity = e.OptionalEnum("severity", defaultSeverity,
                ("fatal", ErrorSeverity.Fatal), ("non-fatal", ErrorSeverity.NonFatal), ("correctable", ErrorSeverity.Correctable));
            if ((severity == ErrorSeverity.Correctable) != correctable)
                throw e.Error("severity", $"'{error}' is {(correctable ? "a correctable" : "an uncorrectable")} error; severity {severity} does not fit");
            int count = (int)e.OptionalInteger("count", 1, 1, 10_000_000);
            var every = e.OptionalTime("every") ?? SimTime.FromMicroseconds(10);
            if (count > 1 && every.Nanoseconds == 0) throw e.Error("every", "must be more than 0 when count > 1");
            list.Add(new ErrorInjectionSpec(at, ReadDevice(e, "device"), ReadPath(e, "path", defaultPath), severity,
                AerErrorName.NameOf(bits, correctable), bits, count, every, e.At));
        }
        return list.ToImmutable();
    }

    private static ImmutableArray<FaultInjectionSpec> ReadFaults(YamlMappingView root)
    {
        var list = ImmutableArray.CreateBuilder<FaultInjectionSpec>();
        var items = root.OptionalSequence("faults");
        for (int i = 0; i < items.Count; i++)
        {
            var f = YamlMappingView.Of(items[i], root.File, $"faults[{i}]");
            f.RejectUnknownKeys("at", "device", "kind");
            var at = f.OptionalTime("at") ?? throw f.Error("at", "is required (a virtual time such as 50ms)");
            if (!f.Has("kind")) throw f.Error("kind", "is required (never-ready, surprise-removal or link-down)");
            var kind = f.OptionalEnum("kind", FaultKind.NeverReady,
                ("never-ready", FaultKind.NeverReady), ("surprise-removal", FaultKind.SurpriseRemoval), ("link-down", FaultKind.LinkDown));
            list.Add(new FaultInjectionSpec(at, ReadDevice(f, "device"), kind, f.At));
        }
        return list.ToImmutable();
    }

    private static ImmutableArray<ExpectationSpec> ReadExpectations(YamlMappingView root, HashSet<string> domains)
    {
        var list = ImmutableArray.CreateBuilder<ExpectationSpec>();
        var items = root.OptionalSequence("expect");
        for (int i = 0; i < items.Count; i++)
        {
            var x = YamlMappingView.Of(items[i], root.File, $"expect[{i}]");
            x.RejectUnknownKeys("device", "ends", "domain", "told");
            if (x.Has("device"))
            {
                if (!x.Has("ends")) throw x.Error("ends", "is required with device (recovered, quarantined, broken or untouched)");
                var ends = x.OptionalEnum("ends", DeviceOutcome.Recovered,
                    ("recovered", DeviceOutcome.Recovered), ("quarantined", DeviceOutcome.Quarantined),
                    ("broken", DeviceOutcome.Broken), ("untouched", DeviceOutcome.Untouched));
                list.Add(new ExpectationSpec(ReadDevice(x, "device"), ends, null, null, x.At));
            }
            else if (x.Has("domain"))
            {
                string domain = x.RequireString("domain");
                if (!domains.Contains(domain)) throw x.Error("domain", $"no domain named '{domain}'");
                if (!x.Has("told")) throw x.Error("told", "is required with domain (error-detected, resumed, device-removed, permanent-failure or nothing)");
                var told = x.OptionalEnum("told", GuestNotice.Nothing,
                    ("error-detected", GuestNotice.ErrorDetected), ("resumed", GuestNotice.Resumed),
                    ("device-removed", GuestNotice.DeviceRemoved), ("permanent-failure", GuestNotice.PermanentFailure),
                    ("nothing", GuestNotice.Nothing));
                list.Add(new ExpectationSpec(null, null, domain, told, x.At));
            }
            else
            {
                throw new ScenarioFormatException(x.At, $"expect[{i}]", "needs either device + ends or domain + told");
            }
        }
        return list.ToImmutable();
    }

    private static DeviceRef ReadDevice(YamlMappingView m, string key) => ParseDevice(m.RequireString(key), m.LineOf(key), m.FieldPath(key));

    private static DeviceRef ReadDevice(YamlMappingView m, string key, YamlNode item, int index)
    {
        var at = new SourceLine(m.File, (int)item.Start.Line);
        string field = $"{m.FieldPath(key)}[{index}]";
        if (item is not YamlScalarNode { Value: { Length: > 0 } text }) throw new ScenarioFormatException(at, field, "expected a PCI address or device name");
        return ParseDevice(text, at, field);
    }

    private static DeviceRef ParseDevice(string text, SourceLine at, string field)
    {
        if (Sbdf.TryParse(text, out var sbdf)) return new DeviceRef(text, sbdf, at, field);
        foreach (char c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.')
                throw new ScenarioFormatException(at, field, $"'{text}' is neither a PCI address ([SSSS:]BB:DD.F) nor a device name from the platform");
        }
        return new DeviceRef(text, null, at, field);
    }
}
