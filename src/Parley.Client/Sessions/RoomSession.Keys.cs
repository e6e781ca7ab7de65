using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Client.Crypto;
using Parley.Protocol;

namespace Parley.Client.Sessions;

// The key half of a session (docs/protocol.md, "Keys"): taking grants in, granting to joiners
// whose link proof holds, making the first key, rotating, and following others' rotations.
public sealed partial class RoomSession
{
    /// <summary>How long a join waits for some member to grant the current key.</summary>
    public static TimeSpan KeyWait { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The room moved to a new epoch (this member's rotation or another's).</summary>
    public event Action<int>? KeyRotated;

    /// <summary>A kick or a departure asked for a rotation.</summary>
    public event Action? RotationNeeded;

    /// <summary>A member is out of the room for good (it left, or was away past the server's Parley:Keys:DropAwayAfter); rotations leave it out.</summary>
    public event Action<string>? MemberDeparted;

    /// <summary>The server chose this member to rotate an old key epoch (the argument); it does so itself unless <see cref="AnswersRotationRequests"/> is off.</summary>
    public event Action<int>? RotationRequested;

    /// <summary>Whether this member rotates when the server asks it to (as browsers do); off, another member is asked after a while.</summary>
    public bool AnswersRotationRequests { get; set; } = true;

    /// <summary>When the room's current key epoch began, by the server's clock; null before the first key.</summary>
    public DateTimeOffset? KeyChangedAt { get; private set; }

    /// <summary>Something about keys went wrong in the background (a grant refused, a grant that does not verify).</summary>
    public event Action<string>? KeyProblem;

    /// <summary>Grants this member could not verify or unwrap (never added to its keys).</summary>
    public List<Grant> RefusedGrants { get; } = [];

    readonly List<Grant> earlyGrants = [];
    int keyRequestsAnswered;
    int namedToGrant;

    /// <summary>Grants the key to joiners when the server names this member (set false to play a member that never answers).</summary>
    public bool AnswersKeyRequests { get; set; } = true;

    /// <summary>Key requests this session set out to answer with a grant (for tests).</summary>
    internal int KeyRequestsAnswered => Volatile.Read(ref keyRequestsAnswered);

    /// <summary>Key requests that named this member to grant, answered or not (for tests).</summary>
    internal int NamedToGrant => Volatile.Read(ref namedToGrant);
    bool joinTaken;

    public bool HistoryVisible => keys.HistoryVisible;
    public string? RoomName => keys.RoomName;

    void OnKeyEvents(HubConnection connection)
    {
        connection.On<string, MemberKeys, string?>(HubNames.KeyRequested, (room, member, granter) =>
        {
            if (room != RoomId) return;
            keys.Learn([member]);
            // The server names one member to grant (another later if it does not); none named: everyone keyed grants.
            if (granter == MemberId) Interlocked.Increment(ref namedToGrant);
            if (member.MemberId == MemberId || (granter is not null && granter != MemberId) || !AnswersKeyRequests) return;
            Interlocked.Increment(ref keyRequestsAnswered);
            InBackground(() => GrantAsync(member));
        });
        connection.On<string, IReadOnlyList<Grant>>(HubNames.KeysGranted, (room, grants) =>
        {
            if (room != RoomId) return;
            // A member may grant as soon as the server asks it, and its grant can be handled here before
            // the join's own answer is (SignalR completes the call, then goes on reading while the join
            // continues elsewhere): kept until the join has said who this member is and who may grant.
            lock (earlyGrants)
            {
                if (!joinTaken)
                {
                    earlyGrants.AddRange(grants);
                    return;
                }
            }
            Refuse(keys.Accept(grants));
        });
        connection.On<string, Rotation>(HubNames.KeyRotated, (room, rotation) =>
        {
            if (room != RoomId) return;
            KeyChangedAt = FromUnix(rotation.ChangedAt); // before the epoch moves: whoever sees the new epoch sees its time
            Refuse(keys.Accept(rotation.Grants));
            keys.AtEpoch(rotation.Epoch);
            keys.ReadRoomEnvelopes(rotation.RoomLink, rotation.RoomMeta);
            KeyRotated?.Invoke(rotation.Epoch);
        });
        connection.On<string>(HubNames.RotationNeeded, room => { if (room == RoomId) RotationNeeded?.Invoke(); });
        connection.On<string, int>(HubNames.RotationRequested, (room, epoch) =>
        {
            if (room != RoomId) return;
            RotationRequested?.Invoke(epoch);
            // A request that a rotation has overtaken is moot.
            if (AnswersRotationRequests && epoch == keys.Epoch && keys.HasCurrentKey) InBackground(() => RotateAsync());
        });
        connection.On<string, bool>(HubNames.HistoryVisibilityChanged, (room, visible) => { if (room == RoomId) keys.HistoryVisible = visible; });
        connection.On<string, Envelope>(HubNames.RoomMetaChanged, (room, meta) => { if (room == RoomId) keys.ReadRoomEnvelopes(null, meta); });
        connection.On<string, string>(HubNames.MemberDeparted, (room, member) =>
        {
            if (room != RoomId) return;
            keys.Forget(member);
            MemberDeparted?.Invoke(member);
        });
    }

    async Task TakeKeysAsync(JoinResult result, bool waitForKey, CancellationToken ct)
    {
        keys.MemberId = result.MemberId;
        keys.HistoryVisible = result.HistoryVisible;
        keys.Learn(result.Members);
        keys.LearnSigners(result.Granters);
        Refuse(keys.Accept(result.Grants));
        keys.AtEpoch(result.Epoch);
        keys.ReadRoomEnvelopes(result.RoomLink, result.RoomMeta);
        KeyChangedAt = FromUnix(result.KeyChangedAt);
        List<Grant> early;
        lock (earlyGrants)
        {
            joinTaken = true;
            early = [.. earlyGrants];
            earlyGrants.Clear();
        }
        Refuse(keys.Accept(early));
        if (result.Waiting) return;
        if (result.Epoch < 0 && result.CreatorId == result.MemberId) await RotateAsync(renewLink: false, ct);
        foreach (var id in result.KeyRequests)
            if (result.Members.FirstOrDefault(m => m.MemberId == id) is { } member) InBackground(() => GrantAsync(member));
        if (!waitForKey || keys.HasCurrentKey) return;
        try { await keys.Keyed.WaitAsync(KeyWait, ct); }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No member granted the key of epoch {keys.Epoch} within {KeyWait.TotalSeconds:0} s.");
        }
    }

    /// <summary>Joins a room just made as its creator (who makes the room's first key).</summary>
    public static Task<(RoomSession Session, Catchup Catchup)> JoinAsCreatorAsync(Uri server, NewRoom room, CancellationToken ct = default,
        DeviceIdentity? device = null, bool autoResume = false) =>
        JoinAsync(server, room.RoomId, room.LinkSecret, ct: ct, creatorToken: room.CreatorToken, device: device, autoResume: autoResume);

    /// <summary>Grants a joiner the keys, if its link proof holds and this member has them.</summary>
    public async Task<int> GrantAsync(MemberKeys joiner, CancellationToken ct = default)
    {
        var grants = keys.GrantsFor(joiner);
        return grants.Count == 0 ? 0 : await Connection.InvokeAsync<int>(HubNames.GrantKeys, RoomId, grants, ct);
    }

    /// <summary>Moves the room to the next key epoch, granted to every member whose link proof holds; the creator may renew the link with it.</summary>
    public async Task RotateAsync(bool renewLink = false, CancellationToken ct = default)
    {
        var (rotation, commit) = keys.Rotate(renewLink);
        await Connection.InvokeAsync(HubNames.RotateKey, RoomId, rotation, ct);
        commit();
    }

    /// <summary>Names the room (encrypted room-meta; the creator only).</summary>
    public Task SetRoomNameAsync(string name, CancellationToken ct = default) =>
        Connection.InvokeAsync(HubNames.SetRoomMeta, RoomId, keys.SealMeta(name), ct);

    public Task SetHistoryVisibleAsync(bool visible, CancellationToken ct = default) =>
        Connection.InvokeAsync(HubNames.SetHistoryVisible, RoomId, visible, ct);

    /// <summary>Leaves the room for good; the others then rotate the key.</summary>
    public Task LeaveAsync(CancellationToken ct = default)
    {
        ended = true; // gone on purpose: a close that follows is not one to resume from
        return Connection.InvokeAsync(HubNames.LeaveRoom, RoomId, ct);
    }

    static DateTimeOffset? FromUnix(long? milliseconds) => milliseconds is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    void Refuse(IReadOnlyList<Grant> refused)
    {
        if (refused.Count == 0) return;
        lock (RefusedGrants) RefusedGrants.AddRange(refused);
        KeyProblem?.Invoke($"{refused.Count} grant(s) did not verify and were ignored.");
    }

    // Hub handlers must not wait on hub calls (the answer arrives on the same loop), so grants go
    // out from here; a grant slowed down by the rate limit is tried again a few times.
    void InBackground(Func<Task> work) => _ = Task.Run(async () =>
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await work();
                return;
            }
            catch (HubException e) when (attempt < 5 && e.RefusalCode() == RefusalCode.RateLimited)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt));
            }
            catch (Exception e)
            {
                KeyProblem?.Invoke(e.Message);
                return;
            }
        }
    });
}
