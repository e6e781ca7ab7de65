using System.Diagnostics;
using System.Net.Sockets;

namespace Parley.Testing.Cluster;

/// <summary>
/// Debian's nginx as the load balancer in front of the nodes, configured as docs/ tells an operator:
/// round-robin with no stickiness, WebSocket upgrade passed through, long read timeouts, and
/// X-Forwarded-For/Proto set. Everything it writes (pid, logs, temp files) stays in its own folder.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    readonly string folder;
    Process? process;

    NginxProxy(string folder, int port) => (this.folder, Port) = (folder, port);

    public int Port { get; }
    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    /// <summary>nginx's error log (failed upstreams, refused upgrades), for a failing test's message.</summary>
    public string ErrorLog => ReadShared(Path.Combine(folder, "error.log"));

    public static async Task<NginxProxy> StartAsync(IEnumerable<Uri> upstreams)
    {
        if (!File.Exists("/usr/sbin/nginx")) throw new InvalidOperationException("No /usr/sbin/nginx (apt-get install nginx).");
        var proxy = new NginxProxy(Directory.CreateTempSubdirectory("parley-nginx-").FullName, Tool.FreePort());
        try
        {
            await File.WriteAllTextAsync(Path.Combine(proxy.folder, "nginx.conf"), proxy.Config(upstreams));
            var start = new ProcessStartInfo("/usr/sbin/nginx")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "-p", proxy.folder, "-c", Path.Combine(proxy.folder, "nginx.conf"), "-e", Path.Combine(proxy.folder, "error.log"), "-g", "daemon off;" })
                start.ArgumentList.Add(arg);
            proxy.process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
            proxy.process.OutputDataReceived += (_, _) => { };
            proxy.process.ErrorDataReceived += (_, _) => { };
            proxy.process.BeginOutputReadLine();
            proxy.process.BeginErrorReadLine();
            await Eventually.True(() => proxy.process.HasExited || proxy.Listens(), "nginx to listen", 10_000);
            if (proxy.process.HasExited) throw new InvalidOperationException("nginx exited at start:\n" + proxy.ErrorLog);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    string Config(IEnumerable<Uri> upstreams)
    {
        // Workers of a root master run as "nobody" unless told otherwise, and could not write the temp folders here.
        var user = Tool.IsRoot ? "user root;" : "";
        var servers = string.Concat(upstreams.Select(u => $"    server {u.Host}:{u.Port} max_fails=1 fail_timeout=2s;\n"));
        return $$"""
            {{user}}
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log notice;
            events { worker_connections 4096; }
            http {
              access_log {{folder}}/access.log;
              client_body_temp_path {{folder}}/client_body;
              proxy_temp_path {{folder}}/proxy;
              fastcgi_temp_path {{folder}}/fastcgi;
              uwsgi_temp_path {{folder}}/uwsgi;
              scgi_temp_path {{folder}}/scgi;
              client_max_body_size 64m;
              map $http_upgrade $connection_upgrade { default upgrade; '' close; }
              upstream parley {
            {{servers}}  }
              server {
                listen 127.0.0.1:{{Port}};
                location / {
                  proxy_pass http://parley;
                  proxy_http_version 1.1;
                  proxy_set_header Upgrade $http_upgrade;
                  proxy_set_header Connection $connection_upgrade;
                  proxy_set_header Host $http_host; # with its port: the hub compares it with the page's Origin
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                  proxy_set_header X-Forwarded-Proto $scheme;
                  proxy_connect_timeout 2s;
                  proxy_read_timeout 1h;
                  proxy_send_timeout 1h;
                  proxy_buffering off;
                  proxy_request_buffering off;
                }
              }
            }
            """;
    }

    bool Listens()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(System.Net.IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    static string ReadShared(string path)
    {
        if (!File.Exists(path)) return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        process?.Dispose();
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
