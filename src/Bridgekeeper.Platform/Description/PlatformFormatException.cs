using Bridgekeeper.Pci;

namespace Bridgekeeper.Platform;

/// <summary>A platform file that does not describe a machine: names the file, the line and the field.</summary>
public sealed class PlatformFormatException(string source, long line, string field, string problem)
    : InputFormatException(source, line, field, problem, $"line {line}");
