using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Parley.Client.Accounts;
using Parley.Protocol;

namespace Parley.Server.Tests;

/// <summary>tests/vectors/captcha.json, made in Python, is checked here and by web/src/accounts: every solver finds the same nonce.</summary>
public class ProofOfWorkVectorTests
{
    static readonly JsonElement Vectors =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "captcha.json"))).RootElement;

    public static TheoryData<int> Solved() => new(Enumerable.Range(0, Vectors.GetProperty("solved").GetArrayLength()));

    [Theory, MemberData(nameof(Solved))]
    public void The_solver_finds_the_known_smallest_nonce_and_the_check_accepts_only_it(int index)
    {
        var v = Vectors.GetProperty("solved")[index];
        var (challenge, difficulty, nonce) = (v.GetProperty("challenge").GetString()!, v.GetProperty("difficulty").GetInt32(),
            v.GetProperty("nonce").GetString()!);

        Assert.Equal(nonce, ProofOfWork.Solve(challenge, difficulty));
        Assert.Equal(v.GetProperty("digest").GetString(), Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{challenge}:{nonce}"))));
        Assert.True(ProofOfWork.IsSolution(challenge, nonce, difficulty));
        if (v.GetProperty("previousNonce").GetString() is { } previous) Assert.False(ProofOfWork.IsSolution(challenge, previous, difficulty));
        Assert.False(ProofOfWork.IsSolution(challenge + "x", nonce, Math.Max(difficulty, 8)));
    }

    [Fact]
    public void Leading_zero_bits_count_from_the_top_bit_of_the_first_byte()
    {
        foreach (var v in Vectors.GetProperty("leadingZeroBits").EnumerateArray())
            Assert.Equal(v.GetProperty("bits").GetInt32(), ProofOfWork.LeadingZeroBits(Convert.FromHexString(v.GetProperty("digest").GetString()!)));
    }

    [Fact]
    public void A_nonce_outside_the_allowed_characters_or_length_is_never_a_solution()
    {
        foreach (var nonce in new[] { "", " 1", "1 ", "é", "1:2", new string('1', ProofOfWork.MaxNonceLength + 1) })
            Assert.False(ProofOfWork.IsSolution("anything", nonce, 0));
        Assert.True(ProofOfWork.IsSolution("anything", new string('1', ProofOfWork.MaxNonceLength), 0));
    }
}
