using Spectre.Console.Cli;

namespace Bridgekeeper.Cli;

/// <summary>The one list of subcommands; each command lives in its own file under Commands/.</summary>
internal static class CommandRegistration
{
    public static void AddAll(IConfigurator config)
    {
        // One line per command, kept in alphabetical order.
        config.AddCommand<Commands.GroupsCommand>("groups");
    }
}
