using System.ComponentModel;
using System.Text.Json;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.Isolation;
using Bridgekeeper.Hypervisor.Resets;
using Bridgekeeper.Hypervisor.Topology;
using Bridgekeeper.Pci;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Bridgekeeper.Cli.Commands;

/// <summary>
/// <c>bridgekeeper groups --sysfs DIR | --lspci FILE [--policy linux|strict] [--json]</c>: rebuilds the
/// tree from a real host's config space, computes isolation groups (never reading iommu_group links)
/// and each function's reset scopes. Everything is owned by the hardware domain here.
/// </summary>
public sealed class GroupsCommand : Command<GroupsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--sysfs <DIR>")]
        [Description("A directory holding bus/pci/devices/*/config: /sys or a copy of it")]
        public string? Sysfs { get; init; }

        [CommandOption("--lspci <FILE>")]
        [Description("An lspci -xxx or -xxxx dump")]
        public string? Lspci { get; init; }

        [CommandOption("--policy <POLICY>")]
        [Description("linux (exactly Linux's pci_device_group) or strict (bus isolation; never a group P2P can bypass)")]
        [DefaultValue("linux")]
        public string Policy { get; init; } = "linux";

        [CommandOption("--json")]
        [Description("Write {\"policy\",\"groups\":[{\"members\",\"reason\"}],\"resetScopes\":[...],\"warnings\"} instead of tables")]
        public bool Json { get; init; }

        public override ValidationResult Validate()
        {
            if ((Lspci is null) == (Sysfs is null)) return ValidationResult.Error("give exactly one of --sysfs DIR or --lspci FILE");
            return Policy is "linux" or "strict" ? ValidationResult.Success() : ValidationResult.Error($"--policy must be linux or strict, not '{Policy}'");
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var host = settings.Lspci is { } file ? LspciDumpReader.Read(file) : SysfsReader.Read(settings.Sysfs!);
        // Groups need at least the header; a listing without a hex dump (plain lspci) cannot be grouped.
        var captured = host.Functions.Where(f => f.CapturedLength >= 0x40).ToList();
        if (captured.Count == 0) throw new InvalidDataException($"{host.Source}: no function with a config-space hex dump (use lspci -xxx or -xxxx, or a sysfs tree)");
        var topology = PciTopology.FromFunctions(captured.Select(f => new FunctionConfig(f.Address, f.Config, f.PhysicalFunction)));
        var policy = settings.Policy == "strict" ? GroupingPolicy.Strict : GroupingPolicy.Linux;
        var groups = IsolationGroupBuilder.Build(topology, policy);
        var scopes = ResetScopeBuilder.Build(topology, _ => DomainId.Hardware);
        var warnings = host.Warnings.Concat(host.Functions.Where(f => f.CapturedLength < 0x40).Select(f => $"{f.Address} has no config-space dump and is left out"))
            .Concat(topology.Warnings).ToList();
        if (settings.Json) WriteJson(settings.Policy, groups, scopes, warnings);
        else WriteTables(settings.Policy, groups, scopes, warnings);
        return ExitCodes.Success;
    }

    private static void WriteJson(string policy, IsolationGroups groups, IReadOnlyList<FunctionResetScope<DomainId>> scopes, List<string> warnings)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("policy", policy);
            w.WriteStartArray("groups");
            foreach (var g in groups.Groups)
            {
                w.WriteStartObject();
                w.WriteNumber("id", g.Id);
                w.WriteStartArray("members");
                foreach (var m in g.Members) w.WriteStringValue(m.ToString());
                w.WriteEndArray();
                w.WriteString("reason", g.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("resetScopes");
            foreach (var s in scopes.OrderBy(s => s.Function))
            {
                w.WriteStartObject();
                w.WriteString("function", s.Function.ToString());
                w.WriteStartArray("methods");
                foreach (var m in s.Methods)
                {
                    w.WriteStartObject();
                    w.WriteString("method", MethodName(m.Kind));
                    w.WriteString("via", m.Via.ToString());
                    w.WriteStartArray("touches");
                    foreach (var t in m.Touched.OrderBy(t => t.Function)) w.WriteStringValue(t.Function.ToString());
                    w.WriteEndArray();
                    w.WriteStartArray("owners");
                    foreach (var o in m.Owners) w.WriteStringValue(o.ToString());
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("warnings");
            foreach (var warning in warnings) w.WriteStringValue(warning);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        stdout.WriteByte((byte)'\n');
    }

    private static void WriteTables(string policy, IsolationGroups groups, IReadOnlyList<FunctionResetScope<DomainId>> scopes, List<string> warnings)
    {
        var console = AnsiConsole.Console;
        var table = new Table().Title($"isolation groups ({policy} policy)").AddColumn("group").AddColumn("members").AddColumn("reason");
        foreach (var g in groups.Groups)
            table.AddRow(g.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join("\n", g.Members), Markup.Escape(g.Reason));
        console.Write(table);
        var resets = new Table().Title("reset scopes").AddColumn("function").AddColumn("method").AddColumn("via").AddColumn("touches");
        foreach (var s in scopes.OrderBy(s => s.Function))
        {
            if (s.Methods.IsEmpty) { resets.AddRow(s.Function.ToString(), "none", "", ""); continue; }
            foreach (var m in s.Methods)
                resets.AddRow(s.Function.ToString(), MethodName(m.Kind), m.Via.ToString(), string.Join(" ", m.Touched.Select(t => t.Function.ToShortString()).Order()));
        }
        console.Write(resets);
        foreach (var warning in warnings) console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
    }

    private static string MethodName(ResetMethodKind kind) => kind switch
    {
        ResetMethodKind.FunctionLevelReset => "flr",
        ResetMethodKind.SecondaryBusReset => "secondary-bus-reset",
        _ => "slot-reset",
    };
}
