namespace Bridgekeeper.Pci;

/// <summary>
/// Base of every typed bad-input error in Bridgekeeper (config dumps, firmware tables, CPER records,
/// platform and scenario files). It always names where (source, offset or line) and what (the field),
/// so a user can find the byte that is wrong. The command line maps it to exit code 2.
/// </summary>
public abstract class InputFormatException : FormatException
{
    protected InputFormatException(string source, long offset, string field, string problem, string location)
        : base($"{source}: {location}: {field}: {problem}")
    {
        InputSource = source;
        Offset = offset;
        Field = field;
        Problem = problem;
    }

    /// <summary>The file name or buffer description the input came from.</summary>
    public string InputSource { get; }

    /// <summary>Byte offset, or line number for text formats (the message says which).</summary>
    public long Offset { get; }

    public string Field { get; }

    public string Problem { get; }
}
