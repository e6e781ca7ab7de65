using System.Diagnostics;
using System.Net;
using Parley.Client;
using Parley.Client.Accounts;
using Parley.Protocol;

namespace Parley.Server.Tests;

/// <summary>The default sign-in limits (10 a minute per address, 5 per account) and no captcha to register.</summary>
public sealed class SignInFixture : ServerFixture
{
    protected override Dictionary<string, string> Settings => new(base.Settings)
    {
        ["Parley__SignIn__PerAddressPerMinute"] = "10",
        ["Parley__SignIn__PerAccountPerMinute"] = "5",
    };
}

public class SignInThrottleTests(SignInFixture fixture) : IClassFixture<SignInFixture>
{
    [Fact]
    public async Task Sign_ins_past_the_per_address_limit_are_refused_as_rate_limited()
    {
        using var mallory = new AccountClient(fixture.Server.BaseUri);
        // Spread over many user names, so neither Identity's lockout nor the per-account limit applies.
        for (var i = 0; i < 10; i++)
        {
            var e = await Assert.ThrowsAsync<HttpRefusalException>(() => mallory.SignInAsync(AccountTests.NewUserName(), "some wrong password"));
            Assert.Equal(RefusalCode.SignInFailed, e.Code);
        }

        var refused = await Assert.ThrowsAsync<HttpRefusalException>(() => mallory.SignInAsync(AccountTests.NewUserName(), "some wrong password"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(RefusalCode.RateLimited, refused.Code);
    }
}
