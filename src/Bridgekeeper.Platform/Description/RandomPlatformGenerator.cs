using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Bridgekeeper.Hardware;

namespace Bridgekeeper.Platform;

/// <summary>
/// Draws a platform from a seed for randomized campaigns: one or two segments, each with one to four
/// root ports (with or without ACS, some firmware-first, some with DRS), below them a PEX 8747 switch
/// with one to four downstream ports (with or without ACS), an SR-IOV PF, a multi-function NIC, an NVMe
/// SSD or a PCIe-to-PCI bridge with a conventional function; sometimes an RCiEP with an RCEC on the root
/// bus. Endpoints vary in readiness: Immediate Readiness, Readiness Time Reporting, DRS, model or drawn
/// Configuration-Ready times, and link training time (the port's speed stands in through it).
/// The result is written in the platform-file format and read back by <see cref="PlatformYamlReader"/>,
/// so every drawn platform passes the same validation as a hand-written one, and <see cref="RandomPlatform.Yaml"/>
/// can be saved and run as a file. Same seed, same platform (all choices come from <see cref="SeededRandom"/>).
/// </summary>
public static class RandomPlatformGenerator
{
    /// <summary>VFs the hardware domain enables on every SR-IOV PF (the campaign's composition does so at boot).</summary>
    public const int VirtualFunctionsEnabled = 4;

    private static readonly string[] NvmeModels = ["samsung-pm9a3", "intel-p5510"];

    /// <summary>The platform drawn from <paramref name="seed"/>, validated by the platform-file reader.</summary>
    public static RandomPlatform Generate(ulong seed)
    {
        var draw = new Drawing(new SeededRandom(seed), $"random-{seed}");
        string yaml = draw.Write();
        var description = PlatformYamlReader.Read(yaml, $"random-platform:{seed}");
        return new RandomPlatform(seed, yaml, description, [.. draw.Assignable]);
    }

    /// <summary>One drawing: the YAML text and, beside it, the endpoints a guest may be given.</summary>
    private sealed class Drawing(SeededRandom random, string name)
    {
        private readonly StringBuilder _yaml = new();
        private uint _nextSpi = 64;
        private int _serial;
        private bool _rootPortFirmwareFirst;

        public List<AssignableDevice> Assignable { get; } = [];

        public string Write()
        {
            Line(0, $"name: {name}");
            Line(0, "host_bridges:");
            int segments = 1 + random.Next(2);
            var firmwareFirstPorts = new List<string>();
            for (int s = 0; s < segments; s++) Segment(s, firmwareFirstPorts);
            if (firmwareFirstPorts.Count > 0)
            {
                // One GHESv2 source per firmware-first root port, notified by GSIV (ACPI 6.5 §18.3.2.8).
                Line(0, "firmware_first:");
                Line(1, "global: false");
                Line(1, "ghes:");
                for (int i = 0; i < firmwareFirstPorts.Count; i++)
                {
                    ulong area = 0x8000_0000UL + (ulong)i * 0x10000;
                    Line(2, $"- source_id: {i + 1}");
                    Line(3, $"root_port: {firmwareFirstPorts[i]}");
                    Line(3, "notify: gsiv");
                    Line(3, $"vector: {120 + i}");
                    Line(3, "version: 2");
                    Line(3, $"status_address_register: {Hex(area)}");
                    Line(3, $"block_address: {Hex(area + 0x1000)}");
                    Line(3, "block_length: 4096");
                    Line(3, $"read_ack_register: {Hex(area + 8)}");
                }
            }
            return _yaml.ToString();
        }

        private void Segment(int segment, List<string> firmwareFirstPorts)
        {
            ulong ecam = 0x40_0000_0000UL + (ulong)segment * 0x20_0000_0000UL;
            Line(1, $"- name: pcie{segment}");
            Line(2, $"segment: {segment}");
            Line(2, $"ecam: {Hex(ecam)}");
            Line(2, "bus_range: [0, 255]");
            Line(2, $"mmio32: {{ base: {Hex(0x5000_0000UL + (ulong)segment * 0x2000_0000UL)}, size: 0x20000000 }}");
            Line(2, $"mmio64: {{ base: {Hex(ecam + 0x1_0000_0000UL)}, size: 0x1000000000 }}");
            Line(2, $"stream_id_base: {Hex((ulong)segment << 16)}");
            Line(2, $"device_id_base: {Hex((ulong)segment << 16)}");
            Line(2, $"intx_spi_base: {96 + 4 * segment}");
            Line(2, "devices:");
            int rootPorts = 1 + random.Next(4);
            for (int p = 0; p < rootPorts; p++)
            {
                string port = $"s{segment}rp{p}";
                Line(3, $"- name: {port}");
                Line(4, "model: ampere-altra-root-port");
                Line(4, $"at: \"{p + 1:x2}.0\"");
                Line(4, $"port: {p + 1}");
                Line(4, $"spi: {_nextSpi++}");
                if (random.Next(3) == 0) Line(4, "acs: false");
                if (random.Next(4) == 0) Line(4, "drs: true");
                _rootPortFirmwareFirst = random.Next(5) == 0;
                if (_rootPortFirmwareFirst)
                {
                    Line(4, "firmware_first: true");
                    firmwareFirstPorts.Add(port);
                }
                LinkTraining(4);
                BelowPort(4, port, allowSwitch: true);
            }
            if (random.Next(3) == 0)
            {
                // A root-complex integrated endpoint and the event collector that reports its errors (PCIe Base 6.0 §6.2.4.1.2).
                string rciep = $"s{segment}zip";
                Line(3, $"- {{ name: {rciep}, model: hisilicon-zip, at: \"1e.0\"{Readiness(immediateAllowed: true)} }}");
                Line(3, $"- {{ name: s{segment}rcec, model: rcec, at: \"1f.0\", spi: {_nextSpi++} }}");
                Assignable.Add(new AssignableDevice([rciep], false));
            }
        }

        // What sits on a root or downstream port's secondary bus (nothing: an empty slot).
        private void BelowPort(int indent, string port, bool allowSwitch)
        {
            int kind = random.Next(allowSwitch ? 7 : 6);
            if (kind == 0) return;
            Line(indent, "children:");
            switch (kind)
            {
                case 1: Nvme(indent + 1, $"{port}-nvme"); break;
                case 2: MultiFunctionNic(indent + 1, $"{port}-nic"); break;
                case 3: SriovPf(indent + 1, $"{port}-cx5"); break;
                case 4: PciBridge(indent + 1, $"{port}-pcib"); break;
                case 5: Nvme(indent + 1, $"{port}-nvme"); break;
                default: Switch(indent + 1, $"{port}-sw"); break;
            }
        }

        private void Switch(int indent, string name)
        {
            Line(indent, $"- name: {name}-usp");
            Line(indent + 1, "model: pex8747-upstream");
            Line(indent + 1, "at: \"00.0\"");
            Line(indent + 1, $"serial: {Serial()}");
            Line(indent + 1, "children:");
            int downstream = 1 + random.Next(4);
            for (int d = 0; d < downstream; d++)
            {
                string dsp = $"{name}-dsp{d}";
                Line(indent + 2, $"- name: {dsp}");
                Line(indent + 3, "model: pex8747-downstream");
                Line(indent + 3, $"at: \"{d:x2}.0\"");
                Line(indent + 3, $"slot: {10 + d}");
                Line(indent + 3, $"port: {d + 1}");
                if (random.Next(3) == 0) Line(indent + 3, "acs: false");
                if (random.Next(4) == 0) Line(indent + 3, "drs: true");
                LinkTraining(indent + 3);
                BelowPort(indent + 3, dsp, allowSwitch: false);
            }
        }

        private void Nvme(int indent, string name)
        {
            string model = NvmeModels[random.Next(NvmeModels.Length)];
            Line(indent, $"- {{ name: {name}, model: {model}, at: \"00.0\", serial: {Serial()}{Readiness(immediateAllowed: true)} }}");
            Assignable.Add(new AssignableDevice([name], _rootPortFirmwareFirst));
        }

        private void MultiFunctionNic(int indent, string name)
        {
            Line(indent, $"- {{ name: {name}, model: broadcom-bcm57416, at: \"00.0\", serial: {Serial()}{Readiness(immediateAllowed: true)} }}");
            Assignable.Add(new AssignableDevice([name, $"{name}.1"], _rootPortFirmwareFirst));
        }

        private void SriovPf(int indent, string name)
        {
            Line(indent, $"- {{ name: {name}, model: mellanox-connectx5, at: \"00.0\", serial: {Serial()}{Readiness(immediateAllowed: false)} }}");
            // The PF stays with the hardware domain; its VFs are what guests get (named as SriovEngine names them).
            for (int v = 1; v <= VirtualFunctionsEnabled; v++) Assignable.Add(new AssignableDevice([$"{name}-vf{v}"], _rootPortFirmwareFirst));
        }

        private void PciBridge(int indent, string name)
        {
            Line(indent, $"- name: {name}");
            Line(indent + 1, "model: asmedia-asm1083");
            Line(indent + 1, "at: \"00.0\"");
            Line(indent + 1, "children:");
            Line(indent + 2, $"- {{ name: {name}-nic, model: intel-82540em, at: \"{random.Next(8):x2}.0\" }}");
            Assignable.Add(new AssignableDevice([$"{name}-nic"], _rootPortFirmwareFirst));
        }

        // Readiness after reset (PCIe Base 6.0 §6.6.1, §6.23): model default, Immediate Readiness,
        // a Readiness Time Reporting capability, explicit times, and sometimes DRS.
        private string Readiness(bool immediateAllowed)
        {
            var s = new StringBuilder();
            switch (random.Next(5))
            {
                case 1 when immediateAllowed:
                    s.Append(", immediate_readiness: true");
                    break;
                case 2:
                    s.Append(CultureInfo.InvariantCulture, $", reported_readiness_ms: {{ reset: {10 + random.Next(150)}, dl_up: {10 + random.Next(100)}, flr: {1 + random.Next(100)} }}");
                    break;
                case 3:
                    s.Append(CultureInfo.InvariantCulture, $", readiness_ms: {{ reset: {1 + random.Next(200)}, flr: {1 + random.Next(100)}, vf_enable: {1 + random.Next(100)} }}");
                    break;
            }
            if (random.Next(5) == 0) s.Append(", drs: true");
            return s.ToString();
        }

        // Link training time stands for the link's speed (20..45 ms for 2.5..64 GT/s by default).
        private void LinkTraining(int indent)
        {
            if (random.Next(3) == 0) Line(indent, $"link_training_ms: {5 + random.Next(60)}");
        }

        private string Serial() => Hex(0x00C0FFEE_00000000UL + (ulong)++_serial);

        private void Line(int indent, string text) => _yaml.Append(' ', 2 * indent).Append(text).Append('\n');

        private static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);
    }
}
