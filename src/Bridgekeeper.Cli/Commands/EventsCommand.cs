using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridgekeeper.Hardware;
using Bridgekeeper.Hypervisor.RasLog;
using Bridgekeeper.Pci;
using Spectre.Console.Cli;

namespace Bridgekeeper.Cli.Commands;

/// <summary>
/// <c>bridgekeeper events DB [--json] [--since T] [--device BDF]</c>: the error records and recovery
/// steps of a RAS log database, oldest first. JSON: <c>{"errors":[…],"steps":[…]}</c> (docs/ras-log.md).
/// </summary>
internal sealed class EventsCommand : Command<EventsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DB>")]
        [Description("RAS log database (SQLite) written by the hypervisor")]
        public string Database { get; init; } = "";

        [CommandOption("--json")]
        [Description("Print {\"errors\":[...],\"steps\":[...]} instead of text")]
        public bool Json { get; init; }

        [CommandOption("--since <T>")]
        [Description("Only records at or after virtual time T: microseconds (t_us), or with a unit: 500ns, 250us, 1.5ms, 2s")]
        public string? Since { get; init; }

        [CommandOption("--device <BDF>")]
        [Description("Only records of this function ([SSSS:]BB:DD.F)")]
        public string? Device { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SimTime? since = settings.Since is null ? null : ParseTime(settings.Since);
        Sbdf? device = settings.Device is null ? null : Sbdf.Parse(settings.Device);
        var (errors, steps) = RasLogReader.Read(settings.Database, since, device);
        if (settings.Json)
        {
            Console.Out.WriteLine(ToJson(errors, steps).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        }
        foreach (var e in errors)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{e.Time.Microseconds,12} us  error  {e.Severity,-11} {e.Device ?? "-",-12} {e.Path,-10} {e.Raw.Length} raw bytes  {e.DecodedJson}"));
        foreach (var s in steps)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Time.Microseconds,12} us  {s.Kind,-19} {s.Device ?? "-",-12} {(s.Domain is int d ? new DomainId(d).ToString() : "-"),-6} {s.Text}"));
        return ExitCodes.Success;
    }

    public static JsonObject ToJson(List<StoredError> errors, List<StoredStep> steps)
    {
        var errorArray = new JsonArray();
        foreach (var e in errors)
            errorArray.Add(new JsonObject
            {
                ["id"] = e.Id,
                ["t_us"] = e.Time.Microseconds,
                ["path"] = e.Path,
                ["sbdf"] = e.Device,
                ["severity"] = e.Severity,
                ["raw"] = Convert.ToHexStringLower(e.Raw),
                ["decoded"] = JsonNode.Parse(e.DecodedJson),
            });
        var stepArray = new JsonArray();
        foreach (var s in steps)
            stepArray.Add(new JsonObject
            {
                ["id"] = s.Id,
                ["t_us"] = s.Time.Microseconds,
                ["kind"] = s.Kind,
                ["sbdf"] = s.Device,
                ["domain"] = s.Domain,
                ["text"] = s.Text,
                ["details"] = JsonNode.Parse(s.DetailsJson),
            });
        return new JsonObject { ["errors"] = errorArray, ["steps"] = stepArray };
    }

    /// <summary>Microseconds, or a number with ns/us/ms/s.</summary>
    public static SimTime ParseTime(string text)
    {
        string t = text.Trim();
        (string number, double scaleNs) = t.EndsWith("ns", StringComparison.Ordinal) ? (t[..^2], 1)
            : t.EndsWith("us", StringComparison.Ordinal) ? (t[..^2], 1e3)
            : t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 1e6)
            : t.EndsWith('s') ? (t[..^1], 1e9)
            : (t, 1e3);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v < 0 || double.IsInfinity(v))
            throw new FormatException($"--since: '{text}' is not a virtual time (microseconds, or a number with ns, us, ms or s)");
        return new SimTime((long)Math.Round(v * scaleNs));
    }
}
