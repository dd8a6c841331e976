namespace SlaKit.Regions;

/// <summary>A region's health changed.</summary>
public sealed class RegionHealthChangedEventArgs : EventArgs
{
    /// <summary>Creates the event's data.</summary>
    /// <param name="clientName">The client whose view of the region changed.</param>
    /// <param name="region">The region.</param>
    /// <param name="previous">Its health before.</param>
    /// <param name="current">Its health now.</param>
    /// <param name="reason">Why, in words, for logs.</param>
    public RegionHealthChangedEventArgs(string clientName, Region region, RegionHealth previous, RegionHealth current, string reason)
    {
        ClientName = clientName;
        Region = region;
        Previous = previous;
        Current = current;
        Reason = reason;
    }

    /// <summary>The client whose view of the region changed.</summary>
    public string ClientName { get; }

    /// <summary>The region.</summary>
    public Region Region { get; }

    /// <summary>Its health before.</summary>
    public RegionHealth Previous { get; }

    /// <summary>Its health now.</summary>
    public RegionHealth Current { get; }

    /// <summary>Why, in words.</summary>
    public string Reason { get; }
}
