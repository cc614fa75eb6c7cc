using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bridgekeeper.Hypervisor.Errors;

/// <summary>
/// One <see cref="Utf8JsonWriter"/> and its buffer per thread, reset for each error record's decoded
/// JSON: every record is formatted on the intake path before anything acts, and a new writer and
/// stream per record cost more than the record. The writer keeps the default options, so the text is
/// the same a fresh writer gives.
/// </summary>
internal static class RecordJsonWriter
{
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>An empty writer for one document; finish it with <see cref="Finish"/> before starting another.</summary>
    public static Utf8JsonWriter Start()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        if (t_writer is null) t_writer = new Utf8JsonWriter(buffer);
        else t_writer.Reset(buffer);
        return t_writer;
    }

    /// <summary>The document written since <see cref="Start"/>, as a string.</summary>
    public static string Finish(Utf8JsonWriter writer)
    {
        writer.Flush();
        return Encoding.UTF8.GetString(t_buffer!.WrittenSpan);
    }

    /// <summary>Writes <c>"name":"0x%08x"</c> without formatting a string first.</summary>
    public static void WriteHex(Utf8JsonWriter writer, JsonEncodedText name, uint value)
    {
        Span<byte> text = stackalloc byte[10];
        FormatHex(text, value);
        writer.WriteString(name, text);
    }

    /// <summary>Writes <c>"0x%08x"</c> as an array element.</summary>
    public static void WriteHexValue(Utf8JsonWriter writer, uint value)
    {
        Span<byte> text = stackalloc byte[10];
        FormatHex(text, value);
        writer.WriteStringValue(text);
    }

    private static void FormatHex(Span<byte> text, uint value)
    {
        text[0] = (byte)'0';
        text[1] = (byte)'x';
        value.TryFormat(text[2..], out _, "x8", CultureInfo.InvariantCulture);
    }
}
