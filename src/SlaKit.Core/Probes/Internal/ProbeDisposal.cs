namespace SlaKit.Probes;

/// <summary>Ends a probe its maker owns: a gRPC, SIP or HTTP probe holds sockets, a custom one may hold anything.</summary>
internal static class ProbeDisposal
{
    /// <summary>Disposes <paramref name="probe"/> asynchronously when it can be, else synchronously; a probe that holds nothing is left as it is.</summary>
    public static ValueTask DisposeAsync(IHealthProbe probe)
    {
        switch (probe)
        {
            case IAsyncDisposable asynchronous:
                return asynchronous.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                return default;
            default:
                return default;
        }
    }

    /// <summary>Disposes <paramref name="probe"/> synchronously when it can be, else by waiting for its asynchronous disposal; a probe that holds nothing is left as it is.</summary>
    public static void Dispose(IHealthProbe probe)
    {
        switch (probe)
        {
            case IDisposable disposable:
                disposable.Dispose();
                break;
            case IAsyncDisposable asynchronous:
                asynchronous.DisposeAsync().AsTask().GetAwaiter().GetResult();
                break;
        }
    }
}
