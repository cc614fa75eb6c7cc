using System.Text.Json;
using Bridgekeeper.Hypervisor.Errors;

namespace Bridgekeeper.Hypervisor.Tests.Recovery;

/// <summary>
/// The RAS log's decoded text for a rejected GHES record is written directly; it must stay the exact
/// text the serializer gave for a one-entry dictionary, escaping included, so stored logs do not change.
/// </summary>
public sealed class RejectedRecordJsonTests
{
    [Theory]
    [InlineData("duplicate of a record seen within the window; not acted on again")]
    [InlineData("GHES source 7 block at 0x1000: offset 0xC: data_length: block length 9000 is outside 20..4096")]
    [InlineData("quotes \" back\\slash <tag> & 'apostrophe' + non-ASCII é ✓ and a tab\tend")]
    [InlineData("")]
    public void Rejected_record_json_is_the_text_the_serializer_gives(string why)
    {
        string expected = JsonSerializer.Serialize(new Dictionary<string, string> { ["rejected"] = why });
        Assert.Equal(expected, ErrorIntake.RejectedJson(why));
    }
}
