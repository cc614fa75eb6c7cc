namespace Bridgekeeper.Pci;

/// <summary>
/// An lspci dump line that pciutils itself refuses (lib/dump.c): a data line with junk after its hex
/// bytes ("Malformed line"), a line longer than pciutils' 254-byte buffer, or an offset past 4096.
/// Carries the 1-based line number in <see cref="InputFormatException.Offset"/>.
/// </summary>
public sealed class LspciDumpFormatException(string source, int line, string field, string problem)
    : InputFormatException(source, line, field, problem, $"line {line}")
{
    public int Line => (int)Offset;
}
