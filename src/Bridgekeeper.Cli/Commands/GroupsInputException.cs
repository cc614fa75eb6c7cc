using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Commands;

/// <summary>A sysfs tree or lspci dump that <c>groups</c> cannot read: names the file, line and field.</summary>
public sealed class GroupsInputException(string source, long line, string field, string problem)
    : InputFormatException(source, line, field, problem, $"line {line}");
