using System.Buffers.Binary;
using Parley.Client.Sessions;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>
/// A connection's outbox sends only while it has something queued, and its loop starts again at
/// the next event: nothing posted between one loop's end and the next may be lost or reordered.
/// </summary>
public class OutboxTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    const int Senders = 3;
    const int PerBurst = 100;
    const int Bursts = 4;

    [Fact]
    public async Task Bursts_to_a_connection_that_was_idle_between_them_arrive_complete_and_in_each_senders_order()
    {
        var room = await fixture.NewRoomAsync();
        var members = new List<RoomSession>();
        try
        {
            for (var i = 0; i < Senders + 1; i++) members.Add((await fixture.JoinAsync(room)).Session);
            var (reader, senders) = (members[0], members.Skip(1).ToList());
            var received = new Dictionary<string, List<int>>();
            foreach (var s in senders) received[s.MemberId] = [];
            reader.AwarenessReceived += (sender, plaintext) =>
            {
                lock (received) received[sender].Add(BinaryPrimitives.ReadInt32LittleEndian(plaintext));
            };

            for (var burst = 0; burst < Bursts; burst++)
            {
                // Several senders at once, so events queue up in the reader's outbox.
                var first = burst * PerBurst;
                await Task.WhenAll(senders.Select(async s =>
                {
                    for (var n = first; n < first + PerBurst; n++)
                    {
                        var payload = new byte[4];
                        BinaryPrimitives.WriteInt32LittleEndian(payload, n);
                        await s.PushAwarenessAsync(payload);
                    }
                }));
                var expected = Enumerable.Range(0, first + PerBurst).ToList();
                await Eventually.True(() => { lock (received) return received.Values.All(r => r.Count >= expected.Count); },
                    $"burst {burst} to arrive");
                lock (received)
                    foreach (var (sender, seen) in received) Assert.Equal(expected, seen);
                // Idle for a while: the reader's send loop has ended before the next burst starts it again.
                await Task.Delay(200);
            }
        }
        finally
        {
            foreach (var m in members) await m.DisposeAsync();
        }
    }
}
