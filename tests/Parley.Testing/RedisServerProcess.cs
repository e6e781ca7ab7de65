using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Parley.Testing;

/// <summary>
/// A real redis-server (Debian's package) on 127.0.0.1 and a free port, with no persistence: what a
/// restart loses is what a Redis restart loses. Restart keeps the port, so clients find it again.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    Process? process;

    RedisServerProcess(int port) => Port = port;

    public int Port { get; }

    /// <summary>For ConnectionStrings:Redis (Parley__ConnectionStrings... is ConnectionStrings__Redis).</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServerProcess> StartAsync()
    {
        var redis = new RedisServerProcess(FreePort());
        await redis.RunAsync();
        return redis;
    }

    async Task RunAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
            start.ArgumentList.Add(arg);
        process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (apt-get install redis-server).");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.True(Answers, "redis-server to take connections", 10_000);
    }

    bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            return stream.Read(buffer) > 0 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Kills redis-server outright (everything in it is gone) and starts it again on the same port.</summary>
    public async Task RestartAsync(TimeSpan downFor = default)
    {
        await StopAsync();
        if (downFor > TimeSpan.Zero) await Task.Delay(downFor);
        await RunAsync();
    }

    public async Task StopAsync()
    {
        if (process is null || process.HasExited) return;
        process.Kill();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process?.Dispose();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
