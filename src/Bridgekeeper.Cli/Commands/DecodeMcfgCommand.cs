using System.ComponentModel;
using Bridgekeeper.Cli.Acpi;
using Bridgekeeper.Firmware.Acpi.Mcfg;
using Spectre.Console.Cli;

namespace Bridgekeeper.Cli.Commands;

[Description("Decode an ACPI MCFG table: the ECAM window of each PCI segment and bus range.")]
public sealed class DecodeMcfgCommand : Command<DecodeFileSettings>
{
    public override int Execute(CommandContext context, DecodeFileSettings settings, CancellationToken cancellationToken)
    {
        var result = McfgReader.Read(File.ReadAllBytes(settings.File), settings.File);
        Console.Out.Write(settings.Json ? McfgReport.Json(result) : McfgReport.Text(result));
        return ExitCodes.Success;
    }
}
