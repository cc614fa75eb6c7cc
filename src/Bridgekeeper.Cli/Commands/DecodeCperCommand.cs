using System.ComponentModel;
using System.Text.Json.Nodes;
using Bridgekeeper.Cli.Output;
using Bridgekeeper.Firmware.Cper;
using Bridgekeeper.Firmware.Cper.Json;
using Spectre.Console.Cli;

namespace Bridgekeeper.Cli.Commands;

/// <summary>
/// <c>bridgekeeper decode cper FILE [--json] [--section]</c>: a UEFI CPER record (or libcper's
/// single-section form) in OpenBMC libcper's CPER-JSON structure, or as readable text.
/// </summary>
internal sealed class DecodeCperCommand : Command<DecodeCperCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("CPER record (UEFI 2.10 Appendix N), e.g. from BERT/ERST or a BMC")]
        public string File { get; init; } = "";

        [CommandOption("--json")]
        [Description("Print libcper's CPER-JSON exactly (warnings go to standard error)")]
        public bool Json { get; init; }

        [CommandOption("--section")]
        [Description("FILE is one section descriptor followed by its section (libcper's single-section form)")]
        public bool Section { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        byte[] bytes = System.IO.File.ReadAllBytes(settings.File);
        var warnings = new List<string>();
        JsonObject json;
        if (settings.Section)
        {
            json = CperJsonWriter.SingleSectionToJson(CperSingleSection.Read(bytes, settings.File), warnings);
        }
        else
        {
            var record = CperRecord.Read(bytes, settings.File, warnings);
            json = CperJsonWriter.ToJson(record, warnings);
            if (record.Header.RecordLength < bytes.Length)
                warnings.Add($"{settings.File}: {bytes.Length - record.Header.RecordLength} byte(s) after the record length ignored");
        }
        foreach (var w in warnings) Console.Error.WriteLine($"warning: {w}");
        Console.Out.WriteLine(settings.Json ? JsonOutput.Render(json) : JsonTextRenderer.Render(json));
        return ExitCodes.Success;
    }
}
