using System.Net;
using System.Net.Sockets;

namespace SlaKit.IntegrationTests.Infrastructure;

/// <summary>A loopback port nothing listens on, so connections to it are refused at once.</summary>
public static class RefusedPort
{
    public static Uri Create()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }
}
