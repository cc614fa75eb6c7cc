using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridgekeeper.Firmware;
using Bridgekeeper.Firmware.Cper.Json;
using Spectre.Console.Cli;

namespace Bridgekeeper.Cli.Commands;

/// <summary>
/// <c>bridgekeeper encode cper FILE.json -o FILE</c>: builds CPER bytes from libcper's CPER-JSON (a
/// whole record, or the single-section form with <c>sectionDescriptor</c> and <c>section</c>).
/// </summary>
internal sealed class EncodeCperCommand : Command<EncodeCperCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE.json>")]
        [Description("CPER-JSON as printed by `decode cper --json` or libcper")]
        public string File { get; init; } = "";

        [CommandOption("-o|--output <FILE>")]
        [Description("Where to write the binary record")]
        public string Output { get; init; } = "";

        public override Spectre.Console.ValidationResult Validate() =>
            string.IsNullOrEmpty(Output) ? Spectre.Console.ValidationResult.Error("-o|--output is required")
                : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(System.IO.File.ReadAllText(settings.File)); }
        catch (JsonException ex)
        {
            throw new FirmwareFormatException(settings.File, ex.BytePositionInLine ?? 0, $"line {ex.LineNumber + 1}", $"not valid JSON: {ex.Message}");
        }
        if (root is not JsonObject o) throw new FirmwareFormatException(settings.File, 0, "$", "expected a JSON object");
        byte[] bytes = o.ContainsKey("sectionDescriptor")
            ? CperJsonEncoder.EncodeSingleSection(o, settings.File)
            : CperJsonEncoder.Encode(o, settings.File);
        System.IO.File.WriteAllBytes(settings.Output, bytes);
        return ExitCodes.Success;
    }
}
