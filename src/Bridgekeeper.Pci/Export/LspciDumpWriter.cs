using System.Text;

namespace Bridgekeeper.Pci;

/// <summary>
/// Writes functions as <c>lspci -xxxx</c> text, the format pciutils' <c>lspci -F</c> reads back:
/// a device line <c>DDDD:BB:DD.F text</c>, sixteen bytes per <c>OFF:</c> line, a blank line after each
/// function. Only the captured bytes are written, so a 64- or 256-byte capture stays one and lspci
/// shows the same "access denied" places. The device text is the class and IDs, as lspci prints
/// them without a name database.
/// </summary>
public static class LspciDumpWriter
{
    private const string HexDigits = "0123456789abcdef";

    public static string Write(IEnumerable<ImportedFunction> functions)
    {
        var sb = new StringWriter(new StringBuilder());
        Write(sb, functions);
        return sb.ToString();
    }

    public static void Write(TextWriter writer, IEnumerable<ImportedFunction> functions)
    {
        Span<char> line = stackalloc char[6 + 16 * 3];
        foreach (var f in functions)
        {
            if (f.Address.Segment > 0xFF_FFFF)
                throw new ArgumentException($"{f.Address}: lspci dumps carry at most 6 hex digits of domain", nameof(functions));
            var bytes = f.Config.Bytes[..Math.Min(f.CapturedLength, f.Config.Size)];
            writer.Write(f.Address.ToString());
            writer.Write(' ');
            writer.Write(DeviceText(bytes));
            writer.Write('\n');
            for (int row = 0; row < bytes.Length; row += 16)
            {
                int n = 0;
                if (row >= 0x100) line[n++] = HexDigits[row >> 8];
                line[n++] = HexDigits[(row >> 4) & 0xF];
                line[n++] = HexDigits[row & 0xF];
                line[n++] = ':';
                int end = Math.Min(row + 16, bytes.Length);
                for (int i = row; i < end; i++)
                {
                    line[n++] = ' ';
                    line[n++] = HexDigits[bytes[i] >> 4];
                    line[n++] = HexDigits[bytes[i] & 0xF];
                }
                line[n++] = '\n';
                writer.Write(line[..n]);
            }
            writer.Write('\n');
        }
    }

    private static string DeviceText(ReadOnlySpan<byte> config) =>
        $"Class {ConfigBytes.U16(config, 0x0A):x4}: Device {ConfigBytes.VendorId(config):x4}:{ConfigBytes.DeviceId(config):x4}";
}
