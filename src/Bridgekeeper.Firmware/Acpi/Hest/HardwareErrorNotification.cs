using System.Buffers.Binary;

namespace Bridgekeeper.Firmware.Acpi.Hest;

/// <summary>
/// Hardware Error Notification Structure (ACPI 6.5 §18.3.2.9, Table 18.13), 28 bytes: how the OS learns
/// that an error source has something to report. Length is kept as read: firmware that writes another
/// value is reported with a warning, and the structure still occupies 28 bytes (iasl does the same).
/// </summary>
public readonly record struct HardwareErrorNotification(
    NotificationType Type,
    byte Length,
    ushort ConfigurationWriteEnable,
    uint PollInterval,
    uint Vector,
    uint PollingThresholdValue,
    uint PollingThresholdWindow,
    uint ErrorThresholdValue,
    uint ErrorThresholdWindow)
{
    // ACPI 6.5 Table 18.13
    private const int TypeOffset = 0;
    private const int LengthOffset = 1;
    private const int ConfigurationWriteEnableOffset = 2;
    private const int PollIntervalOffset = 4;
    private const int VectorOffset = 8;
    private const int PollingThresholdValueOffset = 12;
    private const int PollingThresholdWindowOffset = 16;
    private const int ErrorThresholdValueOffset = 20;
    private const int ErrorThresholdWindowOffset = 24;
    public const int Size = 28;

    /// <summary>The highest type ACPI 6.5 defines (SDEI); anything above is reserved.</summary>
    public const NotificationType LastDefinedType = NotificationType.Sdei;

    /// <summary>A well-formed notification of <paramref name="type"/> with Length 28.</summary>
    public static HardwareErrorNotification Of(NotificationType type, uint pollInterval = 0, uint vector = 0) =>
        new(type, Size, 0, pollInterval, vector, 0, 0, 0, 0);

    public static HardwareErrorNotification Read(ref FirmwareReader reader)
    {
        var b = reader.ReadBytes(Size, "Notification Structure");
        return new HardwareErrorNotification(
            (NotificationType)b[TypeOffset], b[LengthOffset],
            BinaryPrimitives.ReadUInt16LittleEndian(b.Slice(ConfigurationWriteEnableOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(PollIntervalOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(VectorOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(PollingThresholdValueOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(PollingThresholdWindowOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(ErrorThresholdValueOffset)),
            BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(ErrorThresholdWindowOffset)));
    }

    public void Write(Span<byte> destination)
    {
        destination[TypeOffset] = (byte)Type;
        destination[LengthOffset] = Length;
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(ConfigurationWriteEnableOffset), ConfigurationWriteEnable);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(PollIntervalOffset), PollInterval);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(VectorOffset), Vector);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(PollingThresholdValueOffset), PollingThresholdValue);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(PollingThresholdWindowOffset), PollingThresholdWindow);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(ErrorThresholdValueOffset), ErrorThresholdValue);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(ErrorThresholdWindowOffset), ErrorThresholdWindow);
    }
}
