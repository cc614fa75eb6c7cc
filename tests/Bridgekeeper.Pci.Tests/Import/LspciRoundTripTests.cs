using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Pci.Tests.Import;

public class LspciRoundTripTests
{
    public static TheoryData<string> Dumps()
    {
        var data = new TheoryData<string>();
        foreach (string f in ReferenceData.Files("lspci", "*.dump")) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Dumps))]
    public void Exported_dump_makes_real_lspci_print_the_same_vvv_text(string dump)
    {
        string original = ReferenceData.PathOf("lspci", dump);
        var host = LspciDumpReader.Read(original);
        string exported = Path.Combine(Path.GetTempPath(), $"bk-roundtrip-{Environment.ProcessId}-{dump}");
        File.WriteAllText(exported, LspciDumpWriter.Write(host.Functions));
        try
        {
            string expected = RealLspci.Run("-F", original, "-vvv");
            string actual = RealLspci.Run("-F", exported, "-vvv");
            Assert.False(string.IsNullOrWhiteSpace(expected));
            Assert.Equal(expected, actual);
        }
        finally
        {
            File.Delete(exported);
        }
    }

    [Fact]
    public void Dump_count_matches_the_reference_folder()
    {
        Assert.True(Dumps().Count >= 30, "expected the pciutils, pcics and hwloc dumps in shared/reference/lspci");
    }
}
