using Bridgekeeper.Cli.Commands;
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
            decode.SetDescription("Decode firmware tables and records (ACPI HEST, MCFG, IORT).");
            decode.AddCommand<DecodeHestCommand>("hest");
            decode.AddCommand<DecodeIortCommand>("iort");
            decode.AddCommand<DecodeMcfgCommand>("mcfg");
        });
    }
}
