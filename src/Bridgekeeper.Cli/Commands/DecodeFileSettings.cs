using System.ComponentModel;
using Spectre.Console.Cli;

namespace Bridgekeeper.Cli.Commands;

/// <summary>Settings shared by the `decode` subcommands: one binary file, text or JSON output.</summary>
public sealed class DecodeFileSettings : CommandSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("The binary file to decode (e.g. an ACPI table dumped with acpidump/acpixtract).")]
    public string File { get; init; } = "";

    [CommandOption("--json")]
    [Description("Print JSON instead of readable text.")]
    public bool Json { get; init; }
}
