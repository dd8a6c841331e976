namespace SlaKit.Prometheus.Server;

/// <summary>Where a Prometheus server is and how to reach it, for <see cref="PrometheusSlaReader"/>.</summary>
public sealed class PrometheusServerOptions
{
    /// <summary>The default of <see cref="Timeout"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The server's base address, such as <c>http://prometheus:9090/</c>; an absolute http or https URI.</summary>
    public Uri? Server { get; set; }

    /// <summary>A bearer token sent as <c>Authorization: Bearer …</c> with each query; none by default.</summary>
    public string? BearerToken { get; set; }

    /// <summary>A user name for HTTP basic authentication; with <see cref="Password"/>. None by default.</summary>
    public string? UserName { get; set; }

    /// <summary>The password for HTTP basic authentication.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// How long one query may take before it fails; positive. 30 seconds by default. The reader's
    /// <see cref="HttpClient.Timeout"/> (100 seconds unless set) still applies until an answer's headers come, and ends the
    /// query first when it is the shorter; the error then names it.
    /// </summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range; the message names it.</exception>
    internal void Validate()
    {
        if (Server is null || !Server.IsAbsoluteUri || (Server.Scheme != Uri.UriSchemeHttp && Server.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Server must be an absolute http or https URI, not '{Server}'.", nameof(Server));
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Timeout must be positive.");
        }

        if (BearerToken is not null && UserName is not null)
        {
            throw new ArgumentException("Set BearerToken or UserName and Password, not both.", nameof(BearerToken));
        }

        if ((UserName is null) != (Password is null))
        {
            throw new ArgumentException("UserName and Password go together.", nameof(UserName));
        }
    }
}
