using System.ComponentModel;
using Bridgekeeper.Cli.Output;
using Bridgekeeper.Firmware.Ghes;
using Spectre.Console.Cli;

namespace Bridgekeeper.Cli.Commands;

/// <summary>
/// <c>bridgekeeper decode ghes FILE [--json]</c>: a raw ACPI Generic Error Status Block dump, validated
/// as Linux's ghes_proc does, with each entry's CPER section decoded.
/// </summary>
internal sealed class DecodeGhesCommand : Command<DecodeGhesCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("Generic Error Status Block dump (ACPI 6.5 §18.3.2.7.1)")]
        public string File { get; init; } = "";

        [CommandOption("--json")]
        [Description("Print JSON instead of text")]
        public bool Json { get; init; }

        [CommandOption("--error-block-length <BYTES>")]
        [Description("The HEST entry's Error Block Length (default: the file size)")]
        public int? ErrorBlockLength { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        byte[] bytes = System.IO.File.ReadAllBytes(settings.File);
        var warnings = new List<string>();
        var block = GenericErrorStatusBlock.Read(bytes, settings.File, settings.ErrorBlockLength, warnings);
        if (!block.IsPending) warnings.Add($"{settings.File}: block_status is 0: no error pending (Linux stops here)");
        var json = GhesJsonWriter.ToJson(block, settings.File, warnings);
        foreach (var w in warnings) Console.Error.WriteLine($"warning: {w}");
        Console.Out.WriteLine(settings.Json ? JsonOutput.Render(json) : JsonTextRenderer.Render(json));
        return ExitCodes.Success;
    }
}
