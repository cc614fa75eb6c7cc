using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Simulation;

/// <summary>
/// A scenario file that cannot be run as written: bad YAML, an unknown or missing field, a value out of
/// range, or a reference (device, domain) that does not exist. Names the file, the 1-based line and the
/// field path (e.g. <c>errors[1].severity</c>); the command line maps it to exit code 2.
/// </summary>
public sealed class ScenarioFormatException : InputFormatException
{
    public ScenarioFormatException(string file, int line, string field, string problem)
        : base(file, line, field, problem, $"line {line}")
    {
    }

    public ScenarioFormatException(SourceLine at, string field, string problem)
        : this(at.File, at.Line, field, problem)
    {
    }
}
