namespace SlaKit.Tests.Http;

/// <summary>A stream whose length is not known, so a body read from it is never buffered.</summary>
public sealed class UnknownLength : MemoryStream
{
    public UnknownLength()
        : base([1, 2, 3])
    {
    }

    public override bool CanSeek => false;
}
