using System.ComponentModel;
using System.Globalization;
using System.Text;
using Bridgekeeper.Pci;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Bridgekeeper.Cli.Commands;

/// <summary>
/// <c>bridgekeeper inspect --lspci FILE | --sysfs DIR [--json]</c>: imports a real host's functions and
/// shows the bus tree (as <c>lspci -tv</c>) and, per function, the decoded header and capabilities.
/// Decoding lives in Bridgekeeper.Pci (<see cref="FunctionInspector"/>); this class only renders.
/// </summary>
public sealed class InspectCommand : Command<InspectCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--lspci <FILE>")]
        [Description("An lspci -x/-xxx/-xxxx dump (with or without -vvv text), as lspci -F reads")]
        public string? Lspci { get; init; }

        [CommandOption("--sysfs <DIR>")]
        [Description("A directory holding bus/pci/devices/*/config: /sys or a copy of it")]
        public string? Sysfs { get; init; }

        [CommandOption("--json")]
        [Description("Write one JSON object (a functions array, keys as in docs/inspect.md) instead of the tree and text")]
        public bool Json { get; init; }

        public override ValidationResult Validate() => (Lspci is null) == (Sysfs is null)
            ? ValidationResult.Error("give exactly one of --lspci FILE or --sysfs DIR")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var host = settings.Lspci is { } file ? LspciDumpReader.Read(file) : SysfsReader.Read(settings.Sysfs!);
        var report = FunctionInspector.Inspect(host);
        if (settings.Json)
        {
            using var stdout = Console.OpenStandardOutput();
            InspectionJsonContext.Serialize(stdout, report);
            stdout.WriteByte((byte)'\n');
            return ExitCodes.Success;
        }
        var tree = BusTree.Build(report.Functions);
        var text = new StringBuilder(capacity: 512 * report.Functions.Count);
        RenderTree(text, host.Source, tree);
        foreach (var f in report.Functions) Describe(text, f);
        foreach (string w in host.Warnings) text.Append("warning: ").Append(w).Append('\n');
        foreach (string w in tree.Warnings) text.Append("warning: ").Append(w).Append('\n');
        using (var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16))
            stdout.Write(text);
        return ExitCodes.Success;
    }

    // The tree is drawn with Spectre's tree guide glyphs but written straight into the text buffer:
    // Spectre's Tree widget measured about 1 s of CPU for 10,000 nodes (bench/RESULTS.md), more than
    // parsing and decoding the whole dump, and inspect must stay well under lspci's time.
    private static void RenderTree(StringBuilder o, string source, BusTree busTree)
    {
        o.Append(source).Append('\n');
        for (int i = 0; i < busTree.Roots.Count; i++)
        {
            var root = busTree.Roots[i];
            bool last = i == busTree.Roots.Count - 1;
            o.Append(last ? "└── " : "├── ").Append(CultureInfo.InvariantCulture, $"[{root.Segment:x4}:{root.Bus:x2}]\n");
            AddBus(o, last ? "    " : "│   ", root);
        }
    }

    private static void AddBus(StringBuilder o, string indent, BusNode bus)
    {
        for (int i = 0; i < bus.Functions.Count; i++)
        {
            var node = bus.Functions[i];
            var f = node.Function;
            var a = Sbdf.Parse(f.Sbdf);
            bool last = i == bus.Functions.Count - 1;
            o.Append(indent).Append(last ? "└── " : "├── ")
                .Append(CultureInfo.InvariantCulture, $"{a.Device:x2}.{a.Function}  [{f.VendorId:x4}:{f.DeviceId:x4}] {ClassNames.Of(f.ClassCode)}{PortSuffix(f)}");
            if (node.Secondary is { } child)
            {
                o.Append(CultureInfo.InvariantCulture, $" -[{f.Bridge!.SecondaryBus:x2}-{f.Bridge.SubordinateBus:x2}]\n");
                AddBus(o, indent + (last ? "    " : "│   "), child);
            }
            else o.Append('\n');
        }
    }

    private static string PortSuffix(FunctionReport f) => f.Pcie is { } p ? $" ({p.PortType})" : "";

    private static void Describe(StringBuilder o, FunctionReport f)
    {
        var c = CultureInfo.InvariantCulture;
        o.Append('\n').Append(f.Sbdf).Append(c, $"  [{f.VendorId:x4}:{f.DeviceId:x4}] class {f.ClassCode:x6} ({ClassNames.Of(f.ClassCode)})")
            .Append(c, $"  header type {f.HeaderType}").Append(f.Multifunction ? ", multifunction" : "").Append('\n');
        if (f.PhysicalFunction is { } pf) o.Append("  VF of ").Append(pf).Append('\n');
        if (f.Driver is { } driver) o.Append("  driver ").Append(driver).Append('\n');
        if (f.Bridge is { } b)
            o.Append(c, $"  Bus: primary={b.PrimaryBus:x2} secondary={b.SecondaryBus:x2} subordinate={b.SubordinateBus:x2}  BridgeCtl={b.BridgeControl:x4}  Secondary Bus Reset {(b.SecondaryBusReset ? "ASSERTED" : "deasserted")}\n");
        if (f.Capabilities.Count > 0)
        {
            o.Append("  Capabilities:");
            foreach (var cap in f.Capabilities)
            {
                if (cap.Extended) o.Append(c, $" [{cap.Offset:x3} v{cap.Version}] {cap.Name}");
                else o.Append(c, $" [{cap.Offset:x2}] {cap.Name}");
                o.Append(',');
            }
            o.Length--;
            o.Append('\n');
        }
        if (f.Pcie is { } p)
        {
            o.Append(c, $"  PCI Express v{p.Version} {p.PortType}");
            if (p.LinkSpeed is not null)
                o.Append(c, $", link {p.LinkSpeedText} x{p.LinkWidth} (max {FunctionInspector.LinkSpeedText(p.MaxLinkSpeed ?? 0)} x{p.MaxLinkWidth})");
            o.Append(p.SlotImplemented ? ", slot" : "").Append('\n');
        }
        if (f.Aer is { } aer)
        {
            o.Append(c, $"  AER [{aer.Offset:x3}]: UESta {ErrorBitNames.SetBits(aer.UncorrectableStatus, ErrorBitNames.Uncorrectable)}")
                .Append(c, $"; UEMsk {ErrorBitNames.SetBits(aer.UncorrectableMask, ErrorBitNames.Uncorrectable)}")
                .Append(c, $"; UESvrt {ErrorBitNames.SetBits(aer.UncorrectableSeverity, ErrorBitNames.Uncorrectable)}\n")
                .Append(c, $"    CESta {ErrorBitNames.SetBits(aer.CorrectableStatus, ErrorBitNames.Correctable)}")
                .Append(c, $"; CEMsk {ErrorBitNames.SetBits(aer.CorrectableMask, ErrorBitNames.Correctable)}")
                .Append(c, $"; Cap/Ctl {aer.CapabilitiesControl:x8} (First Error Pointer {aer.CapabilitiesControl & 0x1F:x2})");
            if (aer.RootErrorStatus is { } rs) o.Append(c, $"; RootSta {rs:x8} ErrorSrc {aer.ErrorSourceId:x8}");
            o.Append('\n');
        }
        if (f.Acs is { } acs)
            o.Append(c, $"  ACS [{acs.Offset:x3}]: cap {Names(acs.Capability)}; ctl {Names(acs.Control)}\n");
        if (f.Sriov is { } iov)
            o.Append(c, $"  SR-IOV [{iov.Offset:x3}]: VFs total {iov.TotalVFs}, initial {iov.InitialVFs}, enabled {iov.NumVFs} (VF Enable{(iov.VfEnable ? '+' : '-')}), offset {iov.FirstVfOffset}, stride {iov.VfStride}, VF device {iov.VfDeviceId:x4}\n");
        foreach (string w in f.Warnings) o.Append("  warning: ").Append(w).Append('\n');
    }

    private static string Names(int acsBits)
    {
        string names = string.Join(' ', AcsCapability.Names((ushort)acsBits));
        return names.Length == 0 ? "-" : names;
    }
}
