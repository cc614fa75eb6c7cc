using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridgekeeper.Pci;
using Bridgekeeper.Platform;
using Spectre.Console.Cli;

namespace Bridgekeeper.Cli.Commands;

/// <summary>
/// <c>bridgekeeper inject</c>: what one AER error does to a real machine. Clones the machine captured
/// in a sysfs tree (config spaces as they are, reporting enables included), injects the error as
/// QEMU's <c>pcie_aer_inject_error</c> does (same names, header dwords as QEMU takes them and stores
/// them), and prints every error register that changed.
/// </summary>
public sealed class InjectCommand : Command<InjectCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--sysfs <DIR>")]
        [Description("sysfs root of the machine to clone (the directory holding bus/pci/devices)")]
        public string Sysfs { get; init; } = "";

        [CommandOption("--device <BDF>")]
        [Description("function that detects the error, e.g. 0000:02:00.0")]
        public string Device { get; init; } = "";

        [CommandOption("--error <NAME|BITS>")]
        [Description("QEMU error name (RCVR, BAD_TLP, DLP, SDN, POISON_TLP, COMP_TIME, MALF_TLP, ECRC, UNSUP, ...) or a status value")]
        public string Error { get; init; } = "";

        [CommandOption("--correctable")]
        [Description("a numeric --error is a correctable status bit")]
        public bool Correctable { get; init; }

        [CommandOption("--advisory")]
        [Description("a non-fatal error may be logged as Advisory Non-Fatal (QEMU -a)")]
        public bool Advisory { get; init; }

        [CommandOption("--header <DW>")]
        [Description("TLP header dwords DW0 DW1 DW2 DW3 as QEMU takes them")]
        public string[]? Header { get; init; }

        [CommandArgument(0, "[DWORDS]")]
        [Description("further header dwords following --header")]
        public string[]? MoreHeader { get; init; }

        [CommandOption("--firmware-first")]
        [Description("the clone's firmware takes root-port errors first (HEST: FIRMWARE_FIRST + one GHESv2 source per root port)")]
        public bool FirmwareFirst { get; init; }

        [CommandOption("--json")]
        [Description("print JSON: {\"changes\":[[{sbdf,register,before,after}]]} (+ \"ghes\":[[{source_id,root_port,block_address,records}]] with --firmware-first)")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Sysfs.Length == 0) throw new ArgumentException("--sysfs DIR is required");
        if (!Sbdf.TryParse(settings.Device, out var device, out string? why)) throw new ArgumentException($"--device: {why}");
        if (!AerErrorNames.TryParse(settings.Error, settings.Correctable, out uint bit, out bool correctable))
            throw new ArgumentException($"--error: '{settings.Error}' is neither an error name ({string.Join(", ", AerErrorNames.All.Keys.Order(StringComparer.Ordinal))}) nor a number");
        uint[] header = ParseHeader([.. settings.Header ?? [], .. settings.MoreHeader ?? []]);

        var host = SysfsReader.Read(settings.Sysfs);
        foreach (string warning in host.Warnings) Console.Error.WriteLine($"bridgekeeper: {warning}");
        var machine = SimulatedMachine.Clone(host.Functions.Select(f => new ClonedFunction(f.Address, f.Config, f.PhysicalFunction)),
            new MachineOptions(HeaderLog: HeaderLogByteOrder.QemuByteSwapped), settings.FirmwareFirst);
        if (machine.Find(device) is null) throw new ArgumentException($"--device: no function {device} in {settings.Sysfs}");
        var before = ErrorRegisterSnapshot.Take(machine);
        var outcome = machine.InjectAerError(device, bit, correctable, settings.Advisory, header);
        if (outcome == AerInjectOutcome.NotPciExpress) throw new ArgumentException($"{device} is not a PCI Express function");
        if (outcome == AerInjectOutcome.InvalidStatus) throw new ArgumentException($"--error: 0x{bit:x} is not exactly one supported {(correctable ? "correctable" : "uncorrectable")} status bit");
        if (outcome != AerInjectOutcome.Injected) Console.Error.WriteLine($"bridgekeeper: {device}: error dropped ({outcome})");
        var changes = ErrorRegisterSnapshot.Changes(before, ErrorRegisterSnapshot.Take(machine));
        var records = machine.FirmwareFirst.Sources.Where(g => g.RecordsWritten > 0).ToList();
        Console.Out.Write(settings.Json ? ToJson(changes, records) : ToText(changes) + ToText(records));
        return ExitCodes.Success;
    }

    private static uint[] ParseHeader(string[] words)
    {
        if (words.Length == 0) return [];
        if (words.Length != 4) throw new ArgumentException($"--header takes four dwords, not {words.Length}");
        var dwords = new uint[4];
        for (int i = 0; i < 4; i++)
        {
            string w = words[i];
            bool ok = w.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? uint.TryParse(w.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out dwords[i])
                : uint.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out dwords[i]);
            if (!ok) throw new ArgumentException($"--header dword {i}: '{w}' is not a 32-bit number");
        }
        return dwords;
    }

    internal static string ToJson(IReadOnlyList<RegisterChange> changes, IReadOnlyList<GhesSource>? records = null)
    {
        var list = new JsonArray();
        foreach (var c in changes)
            list.Add(new JsonObject { ["sbdf"] = c.Device.ToString(), ["register"] = c.Register, ["before"] = Node(c.Before), ["after"] = Node(c.After) });
        var root = new JsonObject { ["changes"] = list };
        if (records is { Count: > 0 })
        {
            // --firmware-first: the GHES sources firmware wrote a CPER record to (ACPI 6.5 §18.3.2.7).
            var ghes = new JsonArray();
            foreach (var g in records)
                ghes.Add(new JsonObject
                {
                    ["source_id"] = g.Description.SourceId, ["root_port"] = g.RootPort?.Address.ToString(),
                    ["block_address"] = $"0x{g.Description.BlockAddress:x}", ["records"] = g.RecordsWritten,
                });
            root["ghes"] = ghes;
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
    }

    private static string ToText(IReadOnlyList<GhesSource> records)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var g in records)
            sb.Append(CultureInfo.InvariantCulture, $"ghes source {g.Description.SourceId} ({g.RootPort?.Address}): CPER record in the error status block at 0x{g.Description.BlockAddress:x}{Environment.NewLine}");
        return sb.ToString();
    }

    private static JsonNode Node(object value) => value switch
    {
        string[] a => new JsonArray([.. a.Select(x => (JsonNode)JsonValue.Create(x)!)]),
        int i => JsonValue.Create(i),
        _ => JsonValue.Create((string)value)!,
    };

    private static string ToText(IReadOnlyList<RegisterChange> changes)
    {
        if (changes.Count == 0) return "no error register changed" + Environment.NewLine;
        var sb = new System.Text.StringBuilder();
        foreach (var c in changes)
            sb.Append(CultureInfo.InvariantCulture, $"{c.Device} {c.Register}: {Show(c.Before)} -> {Show(c.After)}{Environment.NewLine}");
        return sb.ToString();
    }

    private static string Show(object v) => v is string[] a ? "[" + string.Join(", ", a) + "]" : Convert.ToString(v, CultureInfo.InvariantCulture)!;
}
