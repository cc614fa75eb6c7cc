using Bridgekeeper.Cli;
using Spectre.Console.Cli;

// The composition root: every subcommand is one class in Commands/, registered here once.
var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("bridgekeeper");
    config.PropagateExceptions();
    CommandRegistration.AddAll(config);
});
return ExitCodes.Run(() => app.Run(args));
