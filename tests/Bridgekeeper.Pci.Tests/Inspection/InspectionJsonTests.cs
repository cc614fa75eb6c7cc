using System.Text.Json;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Pci.Tests.Inspection;

public class InspectionJsonTests
{
    private static JsonElement FunctionJson(string dump, string sbdf)
    {
        var report = FunctionInspector.Inspect(LspciDumpReader.Read(ReferenceData.PathOf("lspci", dump)));
        var doc = JsonDocument.Parse(InspectionJsonContext.Serialize(report));
        return doc.RootElement.GetProperty("functions").EnumerateArray().Single(f => f.GetProperty("sbdf").GetString() == sbdf);
    }

    [Fact]
    public void Json_has_the_issue_keys_with_integers_and_nulls_for_absent_structures()
    {
        var f = FunctionJson("skx-rootport-8086_2030.xxxx.dump", "0000:00:00.0");
        Assert.Equal(0x8086, f.GetProperty("vendorId").GetInt32());
        Assert.Equal(0x2030, f.GetProperty("deviceId").GetInt32());
        Assert.Equal(0x060400, f.GetProperty("classCode").GetInt32());
        Assert.Equal(1, f.GetProperty("headerType").GetInt32());
        Assert.Equal(JsonValueKind.False, f.GetProperty("multifunction").ValueKind);
        var cap = f.GetProperty("capabilities")[0];
        Assert.Equal(JsonValueKind.Number, cap.GetProperty("id").ValueKind);
        var aerCap = f.GetProperty("capabilities").EnumerateArray().Single(c => c.GetProperty("offset").GetInt32() == 0x148);
        Assert.Equal((1, true), (aerCap.GetProperty("id").GetInt32(), aerCap.GetProperty("extended").GetBoolean()));
        var pcie = f.GetProperty("pcie");
        Assert.Equal("RootPort", pcie.GetProperty("portType").GetString());
        Assert.Equal(3, pcie.GetProperty("linkSpeed").GetInt32());
        Assert.Equal(4, pcie.GetProperty("linkWidth").GetInt32());
        var bridge = f.GetProperty("bridge");
        Assert.Equal((0xae, 0xaf, 0xaf), (bridge.GetProperty("primaryBus").GetInt32(), bridge.GetProperty("secondaryBus").GetInt32(), bridge.GetProperty("subordinateBus").GetInt32()));
        Assert.Equal(JsonValueKind.Number, bridge.GetProperty("bridgeControl").ValueKind);
        foreach (string key in new[] { "uncorrectableStatus", "uncorrectableMask", "uncorrectableSeverity", "correctableStatus", "correctableMask", "capabilitiesControl" })
            Assert.Equal(JsonValueKind.Number, f.GetProperty("aer").GetProperty(key).ValueKind);
        Assert.Equal(JsonValueKind.Null, f.GetProperty("sriov").ValueKind);
        Assert.Equal(JsonValueKind.Array, f.GetProperty("warnings").ValueKind);
        Assert.Equal(0x1f, f.GetProperty("acs").GetProperty("capability").GetInt32() & 0x7f);
        Assert.Equal(JsonValueKind.Number, f.GetProperty("acs").GetProperty("control").ValueKind);
    }

    [Fact]
    public void Sriov_keys_carry_the_vf_counts()
    {
        var sriovHost = SysfsReader.Read(ReferenceData.PathOf("linux-groups", "g_sriov", "sysfs-drivers"));
        var json = JsonDocument.Parse(InspectionJsonContext.Serialize(FunctionInspector.Inspect(sriovHost))).RootElement;
        var pf = json.GetProperty("functions").EnumerateArray().Single(f => f.GetProperty("sbdf").GetString() == "0000:01:00.0");
        var sriov = pf.GetProperty("sriov");
        Assert.Equal(4, sriov.GetProperty("numVFs").GetInt32());
        Assert.True(sriov.GetProperty("totalVFs").GetInt32() >= 4);
        Assert.Equal(1, sriov.GetProperty("firstVfOffset").GetInt32());
        Assert.Equal(1, sriov.GetProperty("vfStride").GetInt32());
        Assert.Equal(JsonValueKind.Number, sriov.GetProperty("vfDeviceId").ValueKind);
        var vf = json.GetProperty("functions").EnumerateArray().Single(f => f.GetProperty("sbdf").GetString() == "0000:01:00.1");
        Assert.Equal("0000:01:00.0", vf.GetProperty("physicalFunction").GetString());
    }

    [Fact]
    public void Multifunction_bit_is_reported_apart_from_the_header_type()
    {
        var bytes = new byte[256];
        bytes[0] = 0x86; bytes[1] = 0x80;
        bytes[ConfigHeader.HeaderType] = 0x81;
        var f = FunctionInspector.Inspect(new Sbdf(0, 0, 0x1c, 0), bytes);
        Assert.Equal(1, f.HeaderType);
        Assert.True(f.Multifunction);
        bytes[ConfigHeader.HeaderType] = 0x00;
        f = FunctionInspector.Inspect(new Sbdf(0, 0, 0x1c, 0), bytes);
        Assert.Equal(0, f.HeaderType);
        Assert.False(f.Multifunction);
        Assert.Null(f.Bridge);
    }
}
