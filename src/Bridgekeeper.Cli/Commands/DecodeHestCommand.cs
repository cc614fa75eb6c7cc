using System.ComponentModel;
using Bridgekeeper.Cli.Acpi;
using Bridgekeeper.Firmware.Acpi.Hest;
using Spectre.Console.Cli;

namespace Bridgekeeper.Cli.Commands;

[Description("Decode an ACPI HEST (Hardware Error Source Table): every error source, with warnings for defects.")]
public sealed class DecodeHestCommand : Command<DecodeFileSettings>
{
    public override int Execute(CommandContext context, DecodeFileSettings settings, CancellationToken cancellationToken)
    {
        var result = HestReader.Read(File.ReadAllBytes(settings.File), settings.File);
        Console.Out.Write(settings.Json ? HestReport.Json(result) : HestReport.Text(result));
        return ExitCodes.Success;
    }
}
