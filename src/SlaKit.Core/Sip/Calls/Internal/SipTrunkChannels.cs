namespace SlaKit.Sip;

/// <summary>The calls a trunk carries at once (being set up or in progress) against the channels bought on it.</summary>
/// <param name="limit">The channels; <see langword="null"/> for no limit.</param>
internal sealed class SipTrunkChannels(int? limit)
{
    private int _inUse;

    /// <summary>The channels bought; <see langword="null"/> for no limit.</summary>
    public int? Limit { get; } = limit;

    /// <summary>The calls being set up or in progress.</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Takes a channel for a call; false when every one is in use.</summary>
    public bool TryTake()
    {
        while (true)
        {
            int current = Volatile.Read(ref _inUse);
            if (current >= (Limit ?? int.MaxValue))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inUse, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Gives a channel back when its call ends, or its attempt did not establish it.</summary>
    public void Release() => Interlocked.Decrement(ref _inUse);
}
