using CsCheck;

namespace Bridgekeeper.Pci.Tests.Import;

public class LspciDumpWriterTests
{
    [Fact]
    public void Reading_what_was_written_gives_back_addresses_bytes_and_capture_lengths()
    {
        var function =
            from segment in Gen.UInt[0, 0xFF_FFFF]
            from bus in Gen.Byte
            from devfn in Gen.Byte
            from size in Gen.Int[0, 2].Select(i => i == 0 ? 64 : i == 1 ? 256 : 4096)
            from length in Gen.Int[1, size]
            from bytes in Gen.Byte.Array[size]
            select (Address: new Sbdf(segment, bus, devfn), Size: size, Length: length, Bytes: bytes);
        function.Array[1, 6].Sample(functions =>
        {
            var unique = functions.DistinctBy(f => f.Address).ToArray();
            var imported = unique.Select(f =>
            {
                var content = (byte[])f.Bytes.Clone();
                content.AsSpan(f.Length).Fill(0xFF); // bytes past a capture read as all ones
                int size = f.Length <= 64 ? 64 : f.Length <= 256 ? 256 : 4096;
                return new ImportedFunction(f.Address, ConfigSpace.FromContent(content.AsSpan(0, size))) { CapturedLength = f.Length };
            }).ToList();
            var back = LspciDumpReader.ReadText(LspciDumpWriter.Write(imported));
            var expected = imported.OrderBy(f => f.Address).ToList();
            Assert.Equal(expected.Select(f => f.Address), back.Functions.Select(f => f.Address));
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].CapturedLength, back.Functions[i].CapturedLength);
                Assert.Equal(expected[i].Config.Bytes.ToArray(), back.Functions[i].Config.Bytes.ToArray());
            }
        }, iter: 300);
    }

    [Fact]
    public void Written_lines_carry_sixteen_bytes_and_three_digit_offsets_past_0x100()
    {
        var bytes = new byte[4096];
        bytes[0x100] = 0xAB;
        string text = LspciDumpWriter.Write([new ImportedFunction(new Sbdf(0, 3, 0, 1), ConfigSpace.FromContent(bytes))]);
        var lines = text.Split('\n');
        Assert.StartsWith("0000:03:00.1 ", lines[0]);
        Assert.Equal("00: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00", lines[1]);
        Assert.Equal("100: ab 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00", lines[17]);
        Assert.Equal(1 + 256 + 2, lines.Length); // device line, 256 data lines, blank line, final empty split
    }
}
