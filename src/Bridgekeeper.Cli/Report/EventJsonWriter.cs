using System.Text.Encodings.Web;
using System.Text.Json;
using Bridgekeeper.Hardware;
using Bridgekeeper.Pci;

namespace Bridgekeeper.Cli.Report;

/// <summary>
/// Newline-delimited JSON for <c>simulate --json</c>: one object per event with <c>t_us</c> (virtual
/// microseconds, fractional when the event falls between), <c>kind</c> (<see cref="EventKinds"/>),
/// <c>sbdf</c>, <c>domain</c>, <c>text</c>, then the event's details as further fields in their fixed
/// order. Written with <see cref="Utf8JsonWriter"/> so the bytes depend on the events alone.
/// </summary>
public sealed class EventJsonWriter : IDisposable
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] FixedFields = ["t_us", "kind", "sbdf", "domain", "text"];

    private readonly Stream _output;
    private readonly Utf8JsonWriter _json;

    public EventJsonWriter(Stream output)
    {
        _output = output;
        _json = new Utf8JsonWriter(output, Options);
    }

    public void Write(TimelineEvent e)
    {
        _json.WriteStartObject();
        _json.WriteNumber("t_us", e.Time.Nanoseconds / 1000.0);
        _json.WriteString("kind", e.Kind);
        WriteField("sbdf", e.Device);
        WriteField("domain", e.Domain);
        _json.WriteString("text", e.Text);
        foreach (var (key, value) in e.Details)
        {
            // A detail never overwrites a fixed field.
            WriteField(Array.IndexOf(FixedFields, key) >= 0 ? "detail_" + key : key, value);
        }
        _json.WriteEndObject();
        EndLine();
    }

    /// <summary>Writes one complete object built by <paramref name="body"/> (e.g. the summary) as a line.</summary>
    public void WriteObject(Action<Utf8JsonWriter> body)
    {
        _json.WriteStartObject();
        body(_json);
        _json.WriteEndObject();
        EndLine();
    }

    private void EndLine()
    {
        _json.Flush();
        _json.Reset();
        _output.WriteByte((byte)'\n');
    }

    private void WriteField(string name, object? value)
    {
        _json.WritePropertyName(name);
        WriteValue(_json, value);
    }

    public static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case uint u: json.WriteNumberValue(u); break;
            case ulong ul: json.WriteNumberValue(ul); break;
            case ushort us: json.WriteNumberValue(us); break;
            case byte by: json.WriteNumberValue(by); break;
            case double d: json.WriteNumberValue(d); break;
            case float f: json.WriteNumberValue(f); break;
            case SimTime t: json.WriteNumberValue(t.Nanoseconds / 1000.0); break;
            case Sbdf sbdf: json.WriteStringValue(sbdf.ToString()); break;
            case DomainId dom: json.WriteStringValue(dom.ToString()); break;
            case Enum en: json.WriteStringValue(en.ToString()); break;
            case System.Collections.IEnumerable list:
                json.WriteStartArray();
                foreach (object? item in list) WriteValue(json, item);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(value.ToString()); break;
        }
    }

    public void Dispose() => _json.Dispose();
}
