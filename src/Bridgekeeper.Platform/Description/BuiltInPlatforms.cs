namespace Bridgekeeper.Platform;

/// <summary>
/// The platforms Bridgekeeper ships. <see cref="ArmServer"/> is the default machine of
/// <c>bridgekeeper simulate</c>; it is written in the platform-file format itself
/// (<see cref="ArmServerYaml"/>), so it doubles as the schema's worked example.
/// </summary>
public static class BuiltInPlatforms
{
    /// <summary>
    /// A two-socket-style Arm server: segment 0 with a PEX 8747 switch (two NVMe SSDs and a
    /// dual-function NIC without ACS behind ACS downstream ports), a ConnectX-5 with SR-IOV that
    /// sends DRS after a reset and FRS after FLR and VF Enable/Disable, below a root port recording
    /// both (so the default scenario's reset of it exercises them), a
    /// PCIe-to-PCI bridge with a conventional NIC under a root port without ACS, an empty hot-plug
    /// root port, an RCiEP and an RCEC; segment 1 with an NVMe SSD that reports its readiness times
    /// (Readiness Time Reporting) and supports DRS and FRS, below a root port that records both (DRS
    /// Message Received, FRS Queueing). Root port 2 is firmware-first with a GHESv2 source notified by
    /// GSIV. Each segment has a 60 KiB I/O window for the conventional NIC's I/O BAR.
    /// </summary>
    public static PlatformDescription ArmServer => PlatformYamlReader.Read(ArmServerYaml, "built-in:arm-server");

    public const string ArmServerYaml = """
        name: arm-server
        host_bridges:
          - name: pcie0
            segment: 0
            ecam: 0x4000000000
            bus_range: [0, 127]
            mmio32: { base: 0x50000000, size: 0x20000000 }
            mmio64: { base: 0x4100000000, size: 0x1000000000 }
            io: { base: 0x1000, size: 0xF000 }
            stream_id_base: 0x00000
            device_id_base: 0x00000
            intx_spi_base: 96
            devices:
              - name: rp0
                model: ampere-altra-root-port
                at: "01.0"
                port: 1
                spi: 64
                children:
                  - name: usp
                    model: pex8747-upstream
                    at: "00.0"
                    serial: 0x0010b5ff_fe874700
                    children:
                      - name: dsp0
                        model: pex8747-downstream
                        at: "00.0"
                        slot: 10
                        children:
                          - { name: nvme0, model: samsung-pm9a3, at: "00.0", serial: 0x002538b1_11a0c001 }
                      - name: dsp1
                        model: pex8747-downstream
                        at: "01.0"
                        slot: 11
                        children:
                          - { name: nvme1, model: samsung-pm9a3, at: "00.0", serial: 0x002538b1_11a0c002 }
                      - name: dsp2
                        model: pex8747-downstream
                        at: "02.0"
                        slot: 12
                        children:
                          - { name: nic2, model: broadcom-bcm57416, at: "00.0", serial: 0x000af7ff_fe5a1e00 }
              - name: rp1
                model: ampere-altra-root-port
                at: "02.0"
                port: 2
                spi: 65
                drs: true
                frs: true
                children:
                  - { name: cx5, model: mellanox-connectx5, at: "00.0", serial: 0xb8cef6ff_fe0a5b00, drs: true, frs: true }
              - name: rp2
                model: ampere-altra-root-port
                at: "03.0"
                port: 3
                spi: 66
                acs: false
                firmware_first: true
                children:
                  - name: pcibridge
                    model: asmedia-asm1083
                    at: "00.0"
                    children:
                      - { name: legacy-nic, model: intel-82540em, at: "04.0" }
              - name: rp3
                model: ampere-altra-root-port
                at: "04.0"
                port: 4
                spi: 67
                slot: 4
              - { name: zip, model: hisilicon-zip, at: "1e.0", immediate_readiness: true }
              - { name: rcec, model: rcec, at: "1f.0", spi: 68 }
          - name: pcie1
            segment: 1
            ecam: 0x6000000000
            bus_range: [0, 63]
            mmio32: { base: 0x70000000, size: 0x10000000 }
            mmio64: { base: 0x6100000000, size: 0x1000000000 }
            io: { base: 0x1000, size: 0xF000 }
            stream_id_base: 0x10000
            device_id_base: 0x10000
            intx_spi_base: 100
            devices:
              - name: rp10
                model: ampere-altra-root-port
                at: "01.0"
                port: 1
                spi: 80
                drs: true
                frs: true
                children:
                  - name: nvme10
                    model: intel-p5510
                    at: "00.0"
                    serial: 0x5cd2e4ff_ff4b0a10
                    reported_readiness_ms: { reset: 120, dl_up: 75, flr: 20 }
                    drs: true
                    frs: true
        firmware_first:
          global: false
          ghes:
            - source_id: 1
              root_port: rp2
              notify: gsiv
              vector: 120
              version: 2
              status_address_register: 0x80000000
              block_address: 0x80001000
              block_length: 4096
              read_ack_register: 0x80000008
        """;
}
