namespace Bridgekeeper.Platform.Tests;

public class PlatformYamlTests
{
    private const string Minimal = """
        name: tiny
        host_bridges:
          - name: pcie0
            segment: 0
            ecam: 0x40000000
            bus_range: [0, 15]
            mmio32: { base: 0x50000000, size: 0x10000000 }
            mmio64: { base: 0x4000000000, size: 0x100000000 }
            devices:
              - name: rp
                model: ampere-altra-root-port
                at: "01.0"
                acs: false
                children:
                  - { name: ssd, model: samsung-pm9a3, at: "00.0", readiness_ms: { reset: 12.5, flr: 3, vf_enable: 0 } }
        """;

    [Fact]
    public void A_minimal_file_builds_a_machine()
    {
        var m = SimulatedMachine.Create(PlatformYamlReader.Read(Minimal, "tiny.yaml"));
        Assert.Equal("0000:01:00.0", m["ssd"].Address.ToString());
        Assert.Equal(12_500_000, m["ssd"].Readiness.AfterReset.Nanoseconds);
        Assert.Null(Bridgekeeper.Pci.CapabilityList.FindExtended(m["rp"].Config.Bytes, Bridgekeeper.Pci.ExtendedCapabilityId.AccessControlServices));
    }

    [Theory]
    [InlineData("model: samsung-pm9a3", "model: samsung-pm9a4", 15, "host_bridges[].devices[].children[].model", "unknown model")]
    [InlineData("acs: false", "acs: maybe", 13, "host_bridges[].devices[].acs", "not true or false")]
    [InlineData("bus_range: [0, 15]", "bus_range: [0, 300]", 6, "host_bridges[].bus_range[1]", "larger than 255")]
    [InlineData("at: \"01.0\"", "at: \"01.9\"", 12, "host_bridges[].devices[].at", "device.function")]
    [InlineData("segment: 0", "segmnt: 0", 4, "host_bridges[].segmnt", "unknown key")]
    [InlineData("ecam: 0x40000000", "ecam: 0x4000zz00", 5, "host_bridges[].ecam", "not a number")]
    [InlineData("segment: 0", "segment: 0\n    intx_spi_base: 31", 5, "host_bridges[].intx_spi_base", "not an SPI")]
    [InlineData("segment: 0", "segment: 0\n    intx_spi_base: 1017", 5, "host_bridges[].intx_spi_base", "larger than 1016")]
    public void Mistakes_name_the_line_and_the_field(string good, string bad, int line, string field, string problem)
    {
        var e = Assert.Throws<PlatformFormatException>(() => PlatformYamlReader.Read(Minimal.Replace(good, bad, StringComparison.Ordinal), "tiny.yaml"));
        Assert.Equal("tiny.yaml", e.InputSource);
        Assert.Equal(line, e.Offset);
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_key_is_named()
    {
        var e = Assert.Throws<PlatformFormatException>(() => PlatformYamlReader.Read("name: x\n", "x.yaml"));
        Assert.Equal("host_bridges", e.Field);
    }

    [Fact]
    public void Broken_yaml_is_a_format_error_not_a_crash()
    {
        var e = Assert.Throws<PlatformFormatException>(() => PlatformYamlReader.Read("name: [unclosed\n", "bad.yaml"));
        Assert.Equal("bad.yaml", e.InputSource);
    }

    [Fact]
    public void A_device_can_be_cloned_from_a_real_config_dump()
    {
        string dump = Bridgekeeper.TestSupport.ReferenceData.PathOf("linux-groups", "j_aer_latched", "config", "boot", "0000_02_00.0.bin");
        string yaml = Minimal.Replace("{ name: ssd, model: samsung-pm9a3, at: \"00.0\", readiness_ms: { reset: 12.5, flr: 3, vf_enable: 0 } }",
            $"{{ name: ssd, model: clone, clone: \"{dump}\", at: \"00.0\" }}", StringComparison.Ordinal);
        var m = SimulatedMachine.Create(PlatformYamlReader.Read(yaml, "clone.yaml"));
        Assert.Equal(File.ReadAllBytes(dump)[..4], BitConverter.GetBytes(m.Config.Read(m["ssd"].Address, 0, 4)));
    }
}
