using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Parley.Protocol;
using Parley.Server.Accounts;
using Parley.Server.Chat;
using Parley.Server.Cluster;
using Parley.Server.Cleanup;
using Parley.Server.FileManager;
using Parley.Server.Files;
using Parley.Server.Keys;
using Parley.Server.Realtime;
using Parley.Server.Rooms;
using Parley.Server.Storage;
using Parley.Server.Sync;
using Parley.Server.Throttling;

namespace Parley.Server.Hosting;

/// <summary>Wires Parley's features into the host; Program.cs only calls these two.</summary>
public static class ParleyHost
{
    public static void AddParley(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ParleyOptions>().BindConfiguration(ParleyOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(ParleyOptions.Section).Get<ParleyOptions>() ?? new();

        // A build (dotnet run, the tests) keeps the compressed assets under obj/ and lists them in a
        // manifest that only Development reads by default; read it in every environment. A
        // published app has its assets in wwwroot and no such manifest, and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        // With a build's manifest MapStaticAssets would watch wwwroot for edits and re-encode changed
        // files on the fly, uncompressed and mislabelled (it also misreads sub-second file times as
        // changes). The web client changes only by a rebuild, which writes a new manifest.
        builder.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";
        builder.AddParleyProxies();
        builder.AddParleyStorage();
        builder.AddParleyDataProtection();
        builder.AddParleyAccounts(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, SocketBlocks>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<RefusalHandler>();
        builder.AddParleyHealthChecks();
        builder.AddParleyMetrics();
        // On SIGTERM the writers refuse new pushes and write out what is queued (BatchedWriter),
        // SignalR closes the connections (clients reconnect), then the host exits, in this much time at most.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        // Sign-in, room-password and room-creation counts and the captcha's used challenges: in
        // memory, or in Redis shared by every node (docs/configuration.md, "Limits across nodes").
        builder.Services.AddParleyThrottling();

        builder.Services.AddScoped<RoomMembers>();
        builder.Services.AddScoped<RoomControl>();
        builder.Services.AddScoped<RoomKeys>();
        builder.Services.AddSingleton<GrantRequests>();
        builder.Services.AddSingleton<RoomPasswords>();
        builder.Services.AddScoped<DocLog>();
        builder.Services.AddScoped<SnapshotStore>();
        builder.Services.AddSingleton<RoomNotifier>();
        builder.Services.AddSingleton<RoomAuthorization>();
        builder.Services.AddSingleton<HubRefusals>();
        builder.Services.AddSingleton<EnvelopeRules>();
        builder.Services.AddSingleton<SnapshotPolicy>();
        builder.Services.AddSingleton<HubRateLimit>();
        builder.Services.AddSingleton<HubArguments>();
        builder.Services.AddSingleton<RoomFanout>();
        builder.Services.AddOptions<HubLimits>().BindConfiguration(HubLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ConnectionGate>();
        builder.Services.AddSingleton<DocWriter>();
        builder.Services.AddHostedService(s => s.GetRequiredService<DocWriter>());
        builder.Services.AddScoped<ChatLog>();
        builder.Services.AddScoped<MemberAuth>();
        builder.Services.AddScoped<FilesApi.Services>();
        builder.Services.AddScoped<FilePolicy>();
        builder.Services.AddScoped<FileEntries>();
        builder.Services.AddScoped<RoomActivity>();
        builder.Services.AddSingleton<IBlobStore, DiskBlobStore>();
        builder.Services.AddHostedService<AbandonedUploadSweeper>();
        builder.Services.AddSingleton<ChatWriter>();
        builder.Services.AddHostedService(s => s.GetRequiredService<ChatWriter>());
        builder.Services.AddOptions<RoomExpiryOptions>().BindConfiguration(RoomExpiryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<RoomDeletion>();
        builder.Services.AddSingleton<EndedRoomIds>();
        builder.Services.AddSingleton<RoomLiveness>();
        builder.Services.AddHostedService<RoomExpirySweeper>();
        builder.Services.AddOptions<KeyAgeingOptions>().BindConfiguration(KeyAgeingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<KeyAgeingSweeper>();

        var signalR = builder.Services.AddSignalR(hub =>
            {
                // Room for the largest envelope plus framing, so an oversize envelope gets a clear
                // error from EnvelopeRules; far larger messages are cut off by SignalR itself.
                hub.MaximumReceiveMessageSize = options.MaxEnvelopeBytes * 2L + 64 * 1024;
                // SignalR's defaults, set on purpose: the clients' own timeouts (30 s server timeout,
                // 15 s keep-alive) are paired with them. A joined client silent for 30 s (no call,
                // no ping) is gone; a connection that never joins is closed sooner by ConnectionGate.
                hub.KeepAliveInterval = TimeSpan.FromSeconds(15);
                hub.ClientTimeoutInterval = TimeSpan.FromSeconds(30);
                hub.HandshakeTimeout = TimeSpan.FromSeconds(10);
                // Outermost first: refusals from the inner filters and the methods become HubExceptions.
                hub.AddFilter<ConnectionGate>();
                hub.AddFilter<HubRefusals>();
                hub.AddFilter<HubRateLimit>();
                hub.AddFilter<HubArguments>();
                hub.AddFilter<RoomAuthorization>();
            })
            .AddMessagePackProtocol();
        builder.AddParleyCluster(signalR);
        builder.AddParleyRoomConnections();
        StrictHubProtocol.Use(builder.Services);
        HubRefusals.Quiet(builder.Logging);
    }

    public static async Task UseParleyAsync(this WebApplication app)
    {
        await app.MigrateParleyStorageAsync();
        app.LogKeyProtection();
        app.UseParleyProxies();
        app.UseSecurityHeaders();
        app.UseCachePolicy();
        app.UseExceptionHandler();
        app.UseClientAborts();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapParleyHealthChecks();
        app.MapParleyMetrics();
        // The web client as built: Brotli and gzip variants made at build time, chosen by
        // Accept-Encoding, with ETags (CachePolicy gives Vite's hashed assets/ a year).
        app.MapStaticAssets();
        app.MapAccountsApi();
        app.MapRoomsApi();
        app.MapFilesApi();
        app.UseHubOrigins();
        app.MapHub<RoomHub>(HubNames.Path);
        // Unknown API paths stay 404s; every other path is a client route such as /r/{id}.
        app.MapFallbackToFile("{*path:nonfile}", "index.html", new StaticFileOptions
        {
            // The page names the current hashed bundles: always ask whether it changed.
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
        // A POST without a JSON body misses its endpoint (which accepts only JSON) and lands here:
        // say what is wrong with it rather than that nothing is there. A POST to an unknown path
        // without JSON hears the same, which is as true for it.
        app.MapFallback("/api/{**rest}", (HttpRequest request) =>
            HttpMethods.IsPost(request.Method) && !request.HasJsonContentType()
                ? Problems.Refused(RefusalCode.ArgumentInvalid, "Send a JSON body (Content-Type: application/json).",
                    StatusCodes.Status415UnsupportedMediaType)
                : (IResult)Results.NotFound());
        // Streamed downloads are answered by the browser's own service worker; one that reaches the server has no page to show.
        app.MapFallback("/__parley-download/{**rest}", () => Results.NotFound());
    }
}
