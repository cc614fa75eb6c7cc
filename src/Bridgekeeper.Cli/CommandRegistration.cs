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
            decode.SetDescription("Decode firmware tables and records (ACPI HEST, MCFG, IORT; GHES status blocks; UEFI CPER records).");
            decode.AddCommand<DecodeCperCommand>("cper").WithDescription("UEFI CPER record -> libcper CPER-JSON or text");
            decode.AddCommand<DecodeGhesCommand>("ghes").WithDescription("ACPI Generic Error Status Block dump, validated as Linux does");
            decode.AddCommand<DecodeHestCommand>("hest");
            decode.AddCommand<DecodeIortCommand>("iort");
            decode.AddCommand<DecodeMcfgCommand>("mcfg");
        });
        config.AddCommand<EventsCommand>("events").WithDescription("Error records and recovery steps from a RAS log database");
        config.AddBranch("encode", encode => encode.AddCommand<EncodeCperCommand>("cper").WithDescription("libcper CPER-JSON -> binary CPER record"));
        config.AddCommand<GroupsCommand>("groups");
        config.AddCommand<InjectCommand>("inject");
        config.AddCommand<InspectCommand>("inspect");
    }
}
