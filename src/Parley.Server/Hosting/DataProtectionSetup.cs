using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Parley.Server.Storage;

namespace Parley.Server.Hosting;

/// <summary>Settings under "Parley:DataProtection".</summary>
public sealed class KeyProtectionOptions : IValidatableObject
{
    public const string Section = "Parley:DataProtection";

    /// <summary>A PKCS#12 (.pfx) certificate with its private key that encrypts the keys at rest; none: stored as they are.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(CertificatePath)) yield break;
        if (!File.Exists(CertificatePath))
            yield return new ValidationResult($"No certificate at '{CertificatePath}'.", [nameof(CertificatePath)]);
    }
}

public static class DataProtectionSetup
{
    /// <summary>
    /// Cookies, antiforgery tokens and captcha challenges are sealed with these keys. They live in
    /// the database, so a restart signs nobody out and every node of a deployment shares them.
    /// </summary>
    public static void AddParleyDataProtection(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<KeyProtectionOptions>().BindConfiguration(KeyProtectionOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(KeyProtectionOptions.Section).Get<KeyProtectionOptions>() ?? new();

        var protection = builder.Services.AddDataProtection().SetApplicationName("Parley").PersistKeysToDbContext<ParleyDb>();
        if (!string.IsNullOrEmpty(options.CertificatePath) && File.Exists(options.CertificatePath))
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
            // Given here, not looked up in a machine certificate store that a container does not have.
            protection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
        else
            // A copy of the database holds the keys as they are; they sit beside what they protect
            // and are worth no more than it. Configure a certificate to keep them encrypted anyway.
            builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
    }

    /// <summary>Says once at start how the keys are kept, in place of the framework's warning.</summary>
    public static void LogKeyProtection(this WebApplication app)
    {
        var options = app.Configuration.GetSection(KeyProtectionOptions.Section).Get<KeyProtectionOptions>() ?? new();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DataProtectionSetup));
        if (string.IsNullOrEmpty(options.CertificatePath))
            log.LogInformation("Data protection keys are kept in the database without encryption of their own; " +
                "set Parley:DataProtection:CertificatePath to encrypt them");
        else
            log.LogInformation("Data protection keys are kept in the database, encrypted with the configured certificate");
    }
}
