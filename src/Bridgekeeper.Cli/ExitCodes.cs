using Spectre.Console.Cli;

namespace Bridgekeeper.Cli;

/// <summary>
/// Exit codes shared by every command: 0 success, 1 an invariant broke or an expectation failed,
/// 2 bad input (the message names the file, line or offset, and the field).
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int InvariantBroken = 1;
    public const int BadInput = 2;

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception ex) when (IsBadInput(ex))
        {
            Console.Error.WriteLine($"bridgekeeper: {ex.Message}");
            return BadInput;
        }
    }

    // Typed format errors (all derive from InvalidDataException), missing files and command-line
    // mistakes are the user's input, not a crash.
    private static bool IsBadInput(Exception ex) => ex is InvalidDataException or FileNotFoundException
        or DirectoryNotFoundException or FormatException or CommandParseException or CommandRuntimeException
        or ArgumentException;
}
