using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bridgekeeper.Pci;

/// <summary>
/// Source-generated JSON for the inspection model (camelCase keys, nulls written, indented), so
/// the command line needs no reflection and can be compiled ahead of time.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(InspectionReport))]
public sealed partial class InspectionJsonContext : JsonSerializerContext
{
    public static string Serialize(InspectionReport report) =>
        JsonSerializer.Serialize(report, Default.InspectionReport);

    public static void Serialize(Stream stream, InspectionReport report) =>
        JsonSerializer.Serialize(stream, report, Default.InspectionReport);
}
