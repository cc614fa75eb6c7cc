using System.Text.Json.Nodes;

namespace Bridgekeeper.Firmware.Cper.Json;

/// <summary>
/// Converts one CPER section type between its binary body and libcper's CPER-JSON object (the value
/// under the section's short name, e.g. <c>"Pcie"</c>). Implementations are stateless.
/// </summary>
public interface ICperSectionCodec
{
    Guid SectionType { get; }

    /// <summary>libcper's readable name, used in the descriptor's <c>sectionType.type</c>.</summary>
    string Name { get; }

    /// <summary>libcper's key for the section object (<c>"Pcie"</c>, <c>"GenericProcessor"</c>…).</summary>
    string ShortName { get; }

    /// <summary>
    /// Decodes the body, or returns null when it is too short for the section's fixed part (libcper
    /// then shows the section as Unknown with base64 data, and so do we). <paramref name="message"/> is
    /// libcper's free-text summary when it writes one.
    /// </summary>
    JsonObject? ToJson(ReadOnlySpan<byte> body, out string? message);

    /// <summary>Builds the binary body from the section object; bad JSON throws FirmwareFormatException.</summary>
    byte[] FromJson(JsonObject section, string source);
}
