using System.ComponentModel;
using Bridgekeeper.Cli.Acpi;
using Bridgekeeper.Firmware.Acpi.Iort;
using Spectre.Console.Cli;

namespace Bridgekeeper.Cli.Commands;

[Description("Decode an ACPI IORT (IO Remapping Table): ITS groups, SMMUs, root complexes and their ID mappings.")]
public sealed class DecodeIortCommand : Command<DecodeFileSettings>
{
    public override int Execute(CommandContext context, DecodeFileSettings settings, CancellationToken cancellationToken)
    {
        var result = IortReader.Read(File.ReadAllBytes(settings.File), settings.File);
        Console.Out.Write(settings.Json ? IortReport.Json(result) : IortReport.Text(result));
        return ExitCodes.Success;
    }
}
