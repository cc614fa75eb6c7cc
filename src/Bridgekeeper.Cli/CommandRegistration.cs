using Spectre.Console.Cli;

namespace Bridgekeeper.Cli;

/// <summary>The one list of subcommands; each command lives in its own file under Commands/.</summary>
internal static class CommandRegistration
{
    public static void AddAll(IConfigurator config)
    {
        // One line per command, kept in alphabetical order.
        config.AddBranch("decode", decode =>
        {
            decode.AddCommand<Commands.DecodeCperCommand>("cper").WithDescription("UEFI CPER record -> libcper CPER-JSON or text");
            decode.AddCommand<Commands.DecodeGhesCommand>("ghes").WithDescription("ACPI Generic Error Status Block dump, validated as Linux does");
        });
        config.AddBranch("encode", encode => encode.AddCommand<Commands.EncodeCperCommand>("cper").WithDescription("libcper CPER-JSON -> binary CPER record"));
    }
}
