namespace Bridgekeeper.Firmware.Ghes;

/// <summary>
/// The field names of Generic Error Data Entry <c>entry[i]</c> as errors name them
/// (<c>entry[0].error_data_length</c>). Only a bad entry ever shows one, so they are made once per
/// index for the first few entries instead of formatted per field on every walk of a valid block.
/// </summary>
internal sealed class EntryFields
{
    private static readonly EntryFields[] Common = [new(0), new(1), new(2), new(3), new(4), new(5), new(6), new(7)];

    private EntryFields(int index)
    {
        string e = $"entry[{index}]";
        Header = e + ".header";
        SectionType = e + ".section_type";
        ErrorSeverity = e + ".error_severity";
        Revision = e + ".revision";
        ValidationBits = e + ".validation_bits";
        Flags = e + ".flags";
        ErrorDataLength = e + ".error_data_length";
        FruId = e + ".fru_id";
        FruText = e + ".fru_text";
        Timestamp = e + ".timestamp";
        Payload = e + ".payload";
    }

    public string Header { get; }
    public string SectionType { get; }
    public string ErrorSeverity { get; }
    public string Revision { get; }
    public string ValidationBits { get; }
    public string Flags { get; }
    public string ErrorDataLength { get; }
    public string FruId { get; }
    public string FruText { get; }
    public string Timestamp { get; }
    public string Payload { get; }

    public static EntryFields Of(int index) => index < Common.Length ? Common[index] : new EntryFields(index);
}
