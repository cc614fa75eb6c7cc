using System.Text.Json;
using Bridgekeeper.TestSupport;

namespace Bridgekeeper.Pci.Tests.Import;

public class SysfsReaderTests
{
    public static TheoryData<string, string> Trees()
    {
        var data = new TheoryData<string, string>();
        foreach (string topology in Directory.EnumerateDirectories(ReferenceData.PathOf("linux-groups")).Order(StringComparer.Ordinal))
            foreach (string tree in Directory.EnumerateDirectories(topology, "sysfs-*").Order(StringComparer.Ordinal))
                data.Add(Path.GetFileName(topology), Path.GetFileName(tree)["sysfs-".Length..]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Trees))]
    public void Imports_every_function_with_its_config_physfn_and_driver(string topology, string phase)
    {
        var host = SysfsReader.Read(ReferenceData.PathOf("linux-groups", topology, $"sysfs-{phase}"));
        using var doc = JsonDocument.Parse(File.ReadAllText(ReferenceData.PathOf("linux-groups", topology, $"devices-{phase}.json")));
        var expected = doc.RootElement.EnumerateObject().ToList();
        Assert.Equal(expected.Select(p => p.Name).Order(StringComparer.Ordinal), host.Functions.Select(f => f.Address.ToString()));
        foreach (var p in expected)
        {
            var f = host.Find(Sbdf.Parse(p.Name))!;
            string? physfn = p.Value.TryGetProperty("physfn", out var pf) && pf.ValueKind == JsonValueKind.String ? pf.GetString() : null;
            Assert.Equal(physfn, f.PhysicalFunction?.ToString());
            string driver = p.Value.GetProperty("driver").GetString()!;
            Assert.Equal(driver == "-" ? null : driver, f.Driver);
            string bin = ReferenceData.PathOf("linux-groups", topology, "config", phase, p.Name.Replace(':', '_') + ".bin");
            Assert.Equal(File.ReadAllBytes(bin), f.Config.Bytes.ToArray());
            if (physfn is null)
                Assert.Equal(Convert.ToInt32(p.Value.GetProperty("class").GetString(), 16), (int)ConfigBytes.ClassCode(f.Config.Bytes));
        }
    }

    [Fact]
    public void Sriov_drivers_phase_has_six_vfs_under_two_pfs()
    {
        var host = SysfsReader.Read(ReferenceData.PathOf("linux-groups", "g_sriov", "sysfs-drivers"));
        var vfs = host.Functions.Where(f => f.PhysicalFunction is not null).ToList();
        Assert.Equal(6, vfs.Count);
        Assert.Equal(4, vfs.Count(v => v.PhysicalFunction == Sbdf.Parse("0000:01:00.0")));
        Assert.Equal(2, vfs.Count(v => v.PhysicalFunction == Sbdf.Parse("0000:02:00.0")));
        foreach (var vf in vfs)
        {
            // The device directory's parent is the root port above the PF: 00:02.0 for bus 01, 00:03.0 for bus 02.
            string expectedParent = vf.Address.Bus == 1 ? "0000:00:02.0" : "0000:00:03.0";
            Assert.Equal(expectedParent, Path.GetFileName(Path.GetDirectoryName(vf.SysfsDirectory)));
        }
        var pf = FunctionInspector.Inspect(host.Find(Sbdf.Parse("0000:01:00.0"))!.Address, host.Find(Sbdf.Parse("0000:01:00.0"))!.Config.Bytes);
        Assert.Equal(4, pf.Sriov!.NumVFs);
    }

    [Fact]
    public void Real_symlinks_are_followed_like_link_stand_in_files()
    {
        string root = Path.Combine(Path.GetTempPath(), $"bk-sysfs-{Environment.ProcessId}");
        try
        {
            string pfDir = Path.Combine(root, "devices", "pci0000:00", "0000:00:02.0", "0000:01:00.0");
            string vfDir = Path.Combine(root, "devices", "pci0000:00", "0000:00:02.0", "0000:01:00.1");
            Directory.CreateDirectory(pfDir);
            Directory.CreateDirectory(vfDir);
            Directory.CreateDirectory(Path.Combine(root, "bus", "pci", "devices"));
            Directory.CreateDirectory(Path.Combine(root, "kernel", "iommu_groups", "7"));
            Directory.CreateDirectory(Path.Combine(root, "bus", "pci", "drivers", "nvme"));
            var config = new byte[256];
            config[0] = 0x36; config[1] = 0x1b;
            File.WriteAllBytes(Path.Combine(pfDir, "config"), config);
            File.WriteAllBytes(Path.Combine(vfDir, "config"), config);
            File.CreateSymbolicLink(Path.Combine(vfDir, "physfn"), "../0000:01:00.0");
            File.CreateSymbolicLink(Path.Combine(pfDir, "iommu_group"), "../../../../kernel/iommu_groups/7");
            File.CreateSymbolicLink(Path.Combine(pfDir, "driver"), "../../../../bus/pci/drivers/nvme");
            File.CreateSymbolicLink(Path.Combine(root, "bus", "pci", "devices", "0000:01:00.0"), "../../../devices/pci0000:00/0000:00:02.0/0000:01:00.0");
            File.CreateSymbolicLink(Path.Combine(root, "bus", "pci", "devices", "0000:01:00.1"), "../../../devices/pci0000:00/0000:00:02.0/0000:01:00.1");
            var host = SysfsReader.Read(root);
            Assert.Equal(2, host.Functions.Length);
            Assert.Equal("7", host.Functions[0].IommuGroup);
            Assert.Equal("nvme", host.Functions[0].Driver);
            Assert.Equal(Sbdf.Parse("0000:01:00.0"), host.Functions[1].PhysicalFunction);
            Assert.Equal(256, host.Functions[1].Config.Size);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_device_entry_that_is_not_an_address_is_a_typed_error()
    {
        string root = Path.Combine(Path.GetTempPath(), $"bk-sysfs-bad-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "bus", "pci", "devices", "not-a-device"));
            var e = Assert.Throws<SysfsFormatException>(() => SysfsReader.Read(root));
            Assert.Contains("not-a-device", e.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_missing_tree_is_a_typed_error()
    {
        Assert.Throws<SysfsFormatException>(() => SysfsReader.Read("/nonexistent/bridgekeeper"));
    }
}
