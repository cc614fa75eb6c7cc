namespace Bridgekeeper.Pci;

/// <summary>
/// Single Root I/O Virtualization Extended Capability (ID 0x0010, PCIe Base 6.0 §9.3.3). VF n (1-based)
/// has Routing ID = PF RID + First VF Offset + (n-1) * VF Stride (§9.3.3.9, §9.3.3.10).
/// </summary>
public static class SriovCapability
{
    public const int Capabilities = 0x04;
    public const int Control = 0x08;
    public const int Status = 0x0A;
    public const int InitialVfs = 0x0C;
    public const int TotalVfs = 0x0E;
    public const int NumVfs = 0x10;
    public const int FunctionDependencyLink = 0x12;
    public const int FirstVfOffset = 0x14;
    public const int VfStride = 0x16;
    public const int VfDeviceId = 0x1A;
    public const int SupportedPageSizes = 0x1C;
    public const int SystemPageSize = 0x20;
    public const int VfBar0 = 0x24;
    public const int MigrationStateArrayOffset = 0x3C;
    public const int Length = 0x40;

    public const ushort VfEnable = 1 << 0;
    public const ushort VfMemorySpaceEnable = 1 << 3;
    public const ushort AriCapableHierarchy = 1 << 4;

    /// <summary>VF BAR writable bits come from <see cref="ConfigAttributes.DeclareBar"/> once sizes are known.</summary>
    public static RegisterLayout Layout { get; } = RegisterLayout.Of("SR-IOV", "PCIe Base 6.0 §9.3.3",
        new(0x00, 4, "SR-IOV Extended Capability Header"),
        new(Capabilities, 4, "SR-IOV Capabilities"),
        // VF Enable, VF Migration Enable, Migration Interrupt Enable, VF MSE, ARI Capable Hierarchy,
        // VF 10-Bit Tag Requester Enable.
        new(Control, 2, "SR-IOV Control", Rw: 0x003F, RsvdP: 0xFFC0),
        new(Status, 2, "SR-IOV Status", Rw1c: 0x0001, RsvdZ: 0xFFFE),
        new(InitialVfs, 2, "InitialVFs"),
        new(TotalVfs, 2, "TotalVFs"),
        new(NumVfs, 2, "NumVFs", Rw: 0xFFFF),
        new(FunctionDependencyLink, 2, "Function Dependency Link"),
        new(FirstVfOffset, 2, "First VF Offset"),
        new(VfStride, 2, "VF Stride"),
        new(0x18, 2, "Reserved 18h", RsvdP: 0xFFFF),
        new(VfDeviceId, 2, "VF Device ID"),
        new(SupportedPageSizes, 4, "Supported Page Sizes"),
        new(SystemPageSize, 4, "System Page Size", Rw: 0xFFFF_FFFF),
        new(VfBar0, 4, "VF BAR0"), new(VfBar0 + 4, 4, "VF BAR1"), new(VfBar0 + 8, 4, "VF BAR2"),
        new(VfBar0 + 12, 4, "VF BAR3"), new(VfBar0 + 16, 4, "VF BAR4"), new(VfBar0 + 20, 4, "VF BAR5"),
        new(MigrationStateArrayOffset, 4, "VF Migration State Array Offset"));

    /// <summary>A read-only view of the capability in raw config bytes.</summary>
    public readonly ref struct View
    {
        private readonly ReadOnlySpan<byte> _config;

        public View(ReadOnlySpan<byte> config, int offset)
        {
            _config = config;
            Offset = offset;
        }

        public int Offset { get; }

        public ushort ControlRegister => ConfigBytes.U16(_config, Offset + Control);

        public bool VfEnabled => (ControlRegister & VfEnable) != 0;

        public int InitialVfCount => ConfigBytes.U16(_config, Offset + InitialVfs);

        public int TotalVfCount => ConfigBytes.U16(_config, Offset + TotalVfs);

        public int NumVfCount => ConfigBytes.U16(_config, Offset + NumVfs);

        public int FirstOffset => ConfigBytes.U16(_config, Offset + FirstVfOffset);

        public int Stride => ConfigBytes.U16(_config, Offset + VfStride);

        public ushort VfDevice => ConfigBytes.U16(_config, Offset + VfDeviceId);

        /// <summary>The Routing ID of VF <paramref name="n"/> (1-based) for a PF at <paramref name="pf"/>, with bus carry.</summary>
        public int VfRoutingId(RequesterId pf, int n) => pf.Value + FirstOffset + (n - 1) * Stride;
    }
}
