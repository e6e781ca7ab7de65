using Microsoft.AspNetCore.SignalR;
using Parley.Client;
using Parley.Client.Crypto;
using Parley.Client.Sessions;
using Parley.Protocol;

namespace Parley.Server.Tests;

/// <summary>The creator token counts only on the device that first used it.</summary>
public class CreatorTokenTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    const string Password = "correct horse battery";

    [Fact]
    public async Task A_second_device_with_the_creator_token_is_asked_for_the_password_and_waits_in_the_lobby()
    {
        var room = await fixture.NewRoomWithCreatorTokenAsync();
        var (alice, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken);
        await using var _a = alice;
        await alice.SetRoomPasswordAsync(Password);
        await alice.SetLobbyAsync(true);
        using var otherDevice = DeviceIdentity.Create();

        Assert.Equal(RefusalCode.PasswordRequired, (await Assert.ThrowsAsync<HubException>(() => RoomSession.JoinAsync(fixture.Server.BaseUri,
            room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken, device: otherDevice))).RefusalCode());
        var (copy, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken,
            password: Password, device: otherDevice, waitForKey: false);
        await using var _c = copy;
        Assert.True(copy.Waiting);

        // The creator's own device, even without its saved membership, still walks straight in.
        var (aliceAgain, _) = await RoomSession.JoinAsync(fixture.Server.BaseUri, room.RoomId, room.LinkSecret, creatorToken: room.CreatorToken);
        await using var _again = aliceAgain;
        Assert.False(aliceAgain.Waiting);
    }
}
