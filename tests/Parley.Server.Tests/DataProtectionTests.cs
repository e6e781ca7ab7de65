using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Parley.Testing;

namespace Parley.Server.Tests;

/// <summary>Where the keys that seal cookies, antiforgery tokens and captcha challenges are kept.</summary>
public class DataProtectionTests
{
    static async Task<List<string>> StoredKeysAsync(string dataDirectory)
    {
        await using var db = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "parley.db")};Mode=ReadOnly;Pooling=False");
        await db.OpenAsync();
        await using var query = db.CreateCommand();
        query.CommandText = "SELECT Xml FROM DataProtectionKeys";
        var keys = new List<string>();
        await using var rows = await query.ExecuteReaderAsync();
        while (await rows.ReadAsync()) keys.Add(rows.GetString(0));
        return keys;
    }

    [Fact]
    public async Task With_a_certificate_the_keys_are_stored_encrypted_and_read_again_after_a_restart()
    {
        var data = Directory.CreateTempSubdirectory("parley-keys-").FullName;
        var pfx = Path.Combine(data, "..", $"parley-keys-{Guid.NewGuid():N}.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=parley-keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "secret"));
        }
        var settings = new Dictionary<string, string>
        {
            ["Parley__DataProtection__CertificatePath"] = pfx,
            ["Parley__DataProtection__CertificatePassword"] = "secret",
        };
        try
        {
            await using (var server = await ParleyServerProcess.StartAsync(data, settings))
            {
                using var http = server.CreateHttpClient();
                (await http.GetAsync("/api/captcha")).EnsureSuccessStatusCode(); // seals a challenge: makes the first key
                Assert.Contains("encrypted with the configured certificate", server.Log);
                Assert.DoesNotContain("unencrypted", server.Log);
            }
            var key = Assert.Single(await StoredKeysAsync(data));
            Assert.Contains("<EncryptedData", key);
            Assert.DoesNotContain("<masterKey", key);

            // The restarted server reads the key it stored instead of making (and storing) another.
            await using (var server = await ParleyServerProcess.StartAsync(data, settings))
            {
                using var http = server.CreateHttpClient();
                (await http.GetAsync("/api/captcha")).EnsureSuccessStatusCode();
            }
            Assert.Single(await StoredKeysAsync(data));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
            File.Delete(pfx);
        }
    }

    [Fact]
    public async Task Without_a_certificate_the_keys_are_in_the_database_and_the_log_says_how_they_are_kept()
    {
        await using var server = await ParleyServerProcess.StartAsync();
        using var http = server.CreateHttpClient();
        (await http.GetAsync("/api/captcha")).EnsureSuccessStatusCode();
        Assert.Single(await StoredKeysAsync(server.DataDirectory));
        Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "keys")));
        Assert.Contains("without encryption of their own", server.Log);
        // The framework's own warning is replaced by the line above; EF Core's about the sweeper is gone.
        Assert.DoesNotContain("may be persisted to storage in unencrypted form", server.Log);
        Assert.DoesNotContain("without an 'OrderBy' operator", server.Log);
    }
}
