using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Protocol;
using Parley.Server.Realtime;

namespace Parley.Server.Tests;

/// <summary>
/// The C# side of the contract held to tests/vectors/refusals.json, which web/src/wire checks too:
/// the same codes, spelled the same, the same limits, and the same reading of a hub refusal.
/// </summary>
public class ContractTests
{
    static readonly JsonElement Vectors =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "refusals.json"))).RootElement;

    static IEnumerable<string> CatalogCodes => Vectors.GetProperty("codes").EnumerateObject().Select(p => p.Name);

    [Fact]
    public void Every_catalog_code_is_a_refusal_code_and_every_refusal_code_is_in_the_catalog()
    {
        Assert.Equal(CatalogCodes.Order(), Enum.GetValues<RefusalCode>().Select(c => c.Wire()).Order());
        foreach (var code in CatalogCodes) Assert.Equal(code, RefusalCodes.Parse(code)?.Wire());
    }

    [Fact]
    public void Every_code_is_spelled_as_the_wire_format_says()
    {
        var pattern = new Regex(Vectors.GetProperty("wireFormat").GetProperty("codePattern").GetString()!);
        Assert.All(Enum.GetValues<RefusalCode>(), c => Assert.Matches(pattern, c.Wire()));
        Assert.Equal(RefusalCodes.ProblemExtension, Vectors.GetProperty("wireFormat").GetProperty("problemDetailsExtension").GetString());
    }

    [Fact]
    public void Every_limit_equals_the_constant_both_sides_of_the_dotnet_code_use()
    {
        var catalog = Vectors.GetProperty("limits").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        var constants = typeof(Limits).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
            .ToDictionary(f => char.ToLowerInvariant(f.Name[0]) + f.Name[1..], f => Convert.ToInt64(f.GetRawConstantValue()));
        Assert.Equal(catalog.OrderBy(p => p.Key), constants.OrderBy(p => p.Key));
    }

    [Fact]
    public void Hub_refusal_examples_parse_as_listed()
    {
        foreach (var example in Vectors.GetProperty("wireFormat").GetProperty("examples").EnumerateArray())
        {
            var (code, text) = RefusalCodes.ParseHubMessage(example.GetProperty("wire").GetString()!);
            Assert.Equal(example.GetProperty("code").GetString(), code?.Wire());
            Assert.Equal(example.GetProperty("text").GetString(), text);
            if (code is { } known) Assert.Equal(example.GetProperty("wire").GetString(), RefusalCodes.HubMessage(known, text));
        }
    }

    [Fact]
    public void Every_server_event_is_a_wire_name_and_every_wire_name_is_a_hub_method_or_an_event()
    {
        var events = typeof(IRoomClient).GetMethods().Select(m => m.Name).ToList();
        var methods = typeof(RoomHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(RoomHub)).Select(m => m.Name);
        var names = typeof(HubNames).GetFields().Where(f => f.Name != nameof(HubNames.Path)).Select(f => (string)f.GetValue(null)!);
        Assert.Equal(names.Order(), events.Concat(methods).Order());
    }
}
