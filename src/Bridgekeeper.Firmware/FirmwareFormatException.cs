using Bridgekeeper.Pci;

namespace Bridgekeeper.Firmware;

/// <summary>
/// The one error for malformed firmware data (ACPI tables, GHES blocks, CPER records): it names the
/// source (file or buffer), the byte offset, the field, and what was expected against what was found.
/// </summary>
public sealed class FirmwareFormatException(string source, long offset, string field, string problem)
    : InputFormatException(source, offset, field, problem, $"offset 0x{offset:X}");
