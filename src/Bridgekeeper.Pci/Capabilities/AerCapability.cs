namespace Bridgekeeper.Pci;

/// <summary>
/// Advanced Error Reporting Extended Capability (ID 0x0001, PCIe Base 6.0 §7.8.4): offsets, error
/// bits, defaults, the register layout, and a typed view. Status registers are RW1CS, mask and
/// severity RWS, the First Error Pointer and Header Log ROS: all survive a conventional reset
/// (§6.2.4.1), which is why recovery must read and clear them explicitly.
/// </summary>
public static class AerCapability
{
    public const int UncorrectableStatus = 0x04;
    public const int UncorrectableMask = 0x08;
    public const int UncorrectableSeverity = 0x0C;
    public const int CorrectableStatus = 0x10;
    public const int CorrectableMask = 0x14;
    public const int CapabilitiesControl = 0x18;
    public const int HeaderLog = 0x1C;
    public const int RootErrorCommand = 0x2C;
    public const int RootErrorStatus = 0x30;
    public const int ErrorSourceId = 0x34;
    public const int TlpPrefixLog = 0x38;

    /// <summary>Length without the root-port registers.</summary>
    public const int EndpointLength = 0x2C;

    /// <summary>Length with Root Error Command/Status and Error Source Identification.</summary>
    public const int RootPortLength = 0x38;

    // Uncorrectable error bits (§7.8.4.2).
    public const uint DataLinkProtocolError = 1u << 4;
    public const uint SurpriseDownError = 1u << 5;
    public const uint PoisonedTlpReceived = 1u << 12;
    public const uint FlowControlProtocolError = 1u << 13;
    public const uint CompletionTimeout = 1u << 14;
    public const uint CompleterAbort = 1u << 15;
    public const uint UnexpectedCompletion = 1u << 16;
    public const uint ReceiverOverflow = 1u << 17;
    public const uint MalformedTlp = 1u << 18;
    public const uint EcrcError = 1u << 19;
    public const uint UnsupportedRequest = 1u << 20;
    public const uint AcsViolation = 1u << 21;
    public const uint UncorrectableInternalError = 1u << 22;
    public const uint McBlockedTlp = 1u << 23;
    public const uint AtomicOpEgressBlocked = 1u << 24;
    public const uint TlpPrefixBlocked = 1u << 25;
    public const uint PoisonedTlpEgressBlocked = 1u << 26;

    /// <summary>Every implemented uncorrectable bit: 4, 5 and 12 through 31.</summary>
    public const uint UncorrectableBits = 0xFFFF_F030;

    // Correctable error bits (§7.8.4.5).
    public const uint ReceiverError = 1u << 0;
    public const uint BadTlp = 1u << 6;
    public const uint BadDllp = 1u << 7;
    public const uint ReplayNumRollover = 1u << 8;
    public const uint ReplayTimerTimeout = 1u << 12;
    public const uint AdvisoryNonFatal = 1u << 13;
    public const uint CorrectedInternalError = 1u << 14;
    public const uint HeaderLogOverflow = 1u << 15;

    public const uint CorrectableBits = 0x0000_F1C1;

    /// <summary>Severity default: DLP, SDES, FCP, MTLP and UIE are fatal (§7.8.4.4).</summary>
    public const uint DefaultSeverity = DataLinkProtocolError | SurpriseDownError | FlowControlProtocolError
        | MalformedTlp | UncorrectableInternalError;

    /// <summary>Correctable mask default: Advisory Non-Fatal and Corrected Internal Error masked (§7.8.4.6).</summary>
    public const uint DefaultCorrectableMask = AdvisoryNonFatal | CorrectedInternalError | HeaderLogOverflow;

    // Advanced Error Capabilities and Control (§7.8.4.7).
    public const uint FirstErrorPointerMask = 0x1F;
    public const uint EcrcGenerationCapable = 1u << 5;
    public const uint EcrcGenerationEnable = 1u << 6;
    public const uint EcrcCheckCapable = 1u << 7;
    public const uint EcrcCheckEnable = 1u << 8;
    public const uint MultipleHeaderRecordingCapable = 1u << 9;
    public const uint MultipleHeaderRecordingEnable = 1u << 10;

    // Root Error Command (§7.8.4.9) and Root Error Status (§7.8.4.10).
    public const uint CorrectableReportingEnable = 1u << 0;
    public const uint NonFatalReportingEnable = 1u << 1;
    public const uint FatalReportingEnable = 1u << 2;
    public const uint ErrCorReceived = 1u << 0;
    public const uint MultipleErrCorReceived = 1u << 1;
    public const uint ErrFatalNonFatalReceived = 1u << 2;
    public const uint MultipleErrFatalNonFatalReceived = 1u << 3;
    public const uint FirstUncorrectableFatal = 1u << 4;
    public const uint NonFatalMessagesReceived = 1u << 5;
    public const uint FatalMessagesReceived = 1u << 6;

    public static RegisterLayout Layout(bool rootRegisters) => rootRegisters ? RootPortLayout : EndpointLayout;

    private static readonly RegisterDef[] CommonRegisters =
    [
        new(0x00, 4, "AER Extended Capability Header"),
        new(UncorrectableStatus, 4, "Uncorrectable Error Status", Rw1c: UncorrectableBits, Sticky: UncorrectableBits, RsvdZ: ~UncorrectableBits),
        new(UncorrectableMask, 4, "Uncorrectable Error Mask", Rw: UncorrectableBits, Sticky: UncorrectableBits, RsvdP: ~UncorrectableBits),
        new(UncorrectableSeverity, 4, "Uncorrectable Error Severity", Rw: UncorrectableBits, Sticky: UncorrectableBits, RsvdP: ~UncorrectableBits),
        new(CorrectableStatus, 4, "Correctable Error Status", Rw1c: CorrectableBits, Sticky: CorrectableBits, RsvdZ: ~CorrectableBits),
        new(CorrectableMask, 4, "Correctable Error Mask", Rw: CorrectableBits, Sticky: CorrectableBits, RsvdP: ~CorrectableBits),
        // First Error Pointer and TLP Prefix Log Present are ROS; the enables are RWS; capabilities RO.
        new(CapabilitiesControl, 4, "Advanced Error Capabilities and Control",
            Rw: EcrcGenerationEnable | EcrcCheckEnable | MultipleHeaderRecordingEnable,
            Sticky: FirstErrorPointerMask | EcrcGenerationEnable | EcrcCheckEnable | MultipleHeaderRecordingEnable | (1u << 11),
            RsvdP: 0xFFFF_E000),
        new(HeaderLog, 4, "Header Log DW0", Sticky: 0xFFFF_FFFF),
        new(HeaderLog + 4, 4, "Header Log DW1", Sticky: 0xFFFF_FFFF),
        new(HeaderLog + 8, 4, "Header Log DW2", Sticky: 0xFFFF_FFFF),
        new(HeaderLog + 12, 4, "Header Log DW3", Sticky: 0xFFFF_FFFF),
    ];

    private static readonly RegisterLayout EndpointLayout =
        RegisterLayout.Of("AER", "PCIe Base 6.0 §7.8.4", CommonRegisters);

    private static readonly RegisterLayout RootPortLayout = RegisterLayout.Of("AER (root port)", "PCIe Base 6.0 §7.8.4",
    [
        .. CommonRegisters,
        new(RootErrorCommand, 4, "Root Error Command", Rw: 0x7, RsvdP: 0xFFFF_FFF8),                  // §7.8.4.9
        // §7.8.4.10: the received/first/multiple bits are RW1CS; Advanced Error Interrupt Message
        // Number (31:27) is RO; the ERR_COR subclass field is RO.
        new(RootErrorStatus, 4, "Root Error Status", Rw1c: 0x7F, Sticky: 0x7F, RsvdZ: 0x07FF_FE00),
        new(ErrorSourceId, 4, "Error Source Identification", Sticky: 0xFFFF_FFFF),                  // §7.8.4.11: ROS
    ]);

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

        public uint UncorStatus => ConfigBytes.U32(_config, Offset + UncorrectableStatus);

        public uint UncorMask => ConfigBytes.U32(_config, Offset + UncorrectableMask);

        public uint UncorSeverity => ConfigBytes.U32(_config, Offset + UncorrectableSeverity);

        public uint CorStatus => ConfigBytes.U32(_config, Offset + CorrectableStatus);

        public uint CorMask => ConfigBytes.U32(_config, Offset + CorrectableMask);

        public uint CapControl => ConfigBytes.U32(_config, Offset + CapabilitiesControl);

        public int FirstErrorPointer => (int)(CapControl & FirstErrorPointerMask);

        public uint HeaderLogDword(int index) => ConfigBytes.U32(_config, Offset + HeaderLog + 4 * index);

        public uint RootCommand => ConfigBytes.U32(_config, Offset + RootErrorCommand);

        public uint RootStatus => ConfigBytes.U32(_config, Offset + RootErrorStatus);

        public uint SourceId => ConfigBytes.U32(_config, Offset + ErrorSourceId);

        /// <summary>ERR_COR Source Identification (bits 15:0).</summary>
        public RequesterId CorrectableSource => new((ushort)SourceId);

        /// <summary>ERR_FATAL/NONFATAL Source Identification (bits 31:16).</summary>
        public RequesterId UncorrectableSource => new((ushort)(SourceId >> 16));
    }
}
