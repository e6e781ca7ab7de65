using System.Buffers;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Hosting;

namespace Parley.Server.Tests;

/// <summary>
/// Kestrel reads sockets into SocketBlocks' 64 KiB blocks (not its own 4 KiB ones) once the factory is
/// registered as ParleyHost does; the pool reuses freed blocks and keeps no more than it says.
/// </summary>
public class SocketBlocksTests
{
    [Fact]
    public async Task Kestrel_receives_a_request_body_into_blocks_larger_than_its_own()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, SocketBlocks>();
        await using var app = builder.Build();
        app.MapPost("/", async (HttpRequest request) =>
        {
            // The body reader hands over the transport's own segments: their size is the block's.
            long largest = 0, total = 0;
            while (true)
            {
                var read = await request.BodyReader.ReadAsync();
                foreach (var segment in read.Buffer) largest = Math.Max(largest, segment.Length);
                total += read.Buffer.Length;
                request.BodyReader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted) break;
            }
            return Results.Ok(new { largest, total });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        using var http = new HttpClient();
        var body = new byte[4 << 20];
        using var response = await http.PostAsync(address, new ByteArrayContent(body));
        var seen = await response.Content.ReadFromJsonAsync<Seen>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, seen!.Total);
        Assert.True(seen.Largest > 4096, $"The largest segment was {seen.Largest} bytes: Kestrel did not read into SocketBlocks.");
        Assert.True(seen.Largest <= SocketBlocks.BlockSize);
        await app.StopAsync();
    }

    sealed record Seen(long Largest, long Total);

    [Fact]
    public void Blocks_are_64_KiB_reused_once_freed_and_kept_only_up_to_the_limit()
    {
        using var pool = new SocketBlocks().Create();
        Assert.Equal(SocketBlocks.BlockSize, pool.MaxBufferSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(SocketBlocks.BlockSize + 1));

        var first = pool.Rent(4096);
        Assert.Equal(SocketBlocks.BlockSize, first.Memory.Length);
        var memory = first.Memory;
        first.Dispose();
        using (var again = pool.Rent())
            Assert.True(again.Memory.Span == memory.Span, "A freed block is handed out again.");

        // Free more blocks than the pool keeps: renting them all back, only KeptBlocks are old ones.
        var many = Enumerable.Range(0, SocketBlocks.KeptBlocks + 10).Select(_ => pool.Rent()).ToList();
        var freed = many.Select(b => b.Memory).ToList();
        foreach (var block in many) block.Dispose();
        var rentedBack = Enumerable.Range(0, SocketBlocks.KeptBlocks + 10).Select(_ => pool.Rent()).ToList();
        var reused = rentedBack.Count(b => freed.Any(f => f.Span == b.Memory.Span));
        Assert.Equal(SocketBlocks.KeptBlocks, reused);
    }
}
