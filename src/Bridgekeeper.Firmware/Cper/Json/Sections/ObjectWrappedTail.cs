using System.Text.Json.Nodes;

namespace Bridgekeeper.Firmware.Cper.Json.Sections;

/// <summary>A tail whose JSON value libcper wraps in an object (<c>{"key": {"data": …}}</c>).</summary>
public sealed record ObjectWrappedTail(RawBytesTail Inner, string Key) : IVariableTail
{
    public bool Fits(ReadOnlySpan<byte> body, int fixedSize) => Inner.Fits(body, fixedSize);

    public void ToJson(ReadOnlySpan<byte> body, int fixedSize, ulong valid, JsonObject target)
    {
        var scratch = new JsonObject();
        Inner.ToJson(body, fixedSize, valid, scratch);
        if (scratch.Remove(Inner.Name, out var value)) target[Inner.Name] = new JsonObject { [Key] = value };
    }

    public byte[] FromJson(JsonObject section, ref ulong valid, string path, string source)
    {
        if (!section.TryGetPropertyValue(Inner.Name, out var node)) return [];
        var flattened = new JsonObject { [Inner.Name] = CperJsonValues.Child(node, Key, $"{path}.{Inner.Name}", source).DeepClone() };
        return Inner.FromJson(flattened, ref valid, path, source);
    }
}
