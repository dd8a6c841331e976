using System.Collections;

namespace SlaKit.Sip;

/// <summary>
/// The header fields of a SIP message, in order. Names compare case-insensitively and compact forms are
/// expanded (<c>v</c> is <c>Via</c>, <c>i</c> is <c>Call-ID</c>, RFC 3261 §7.3.3), so <c>Headers["Call-ID"]</c>
/// finds a header received as <c>i:</c>.
/// </summary>
/// <remarks>
/// Each entry holds one header line's value as received (folded lines joined), so a line carrying several
/// comma-separated values is one entry. <c>Content-Length</c> is written from the body when a message is
/// serialized, whatever this collection holds.
/// </remarks>
public sealed class SipHeaders : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _entries = [];

    /// <summary>How many header lines there are.</summary>
    public int Count => _entries.Count;

    /// <summary>The first value of a header, or <see langword="null"/> when the message has none.</summary>
    /// <param name="name">The header's name, long or compact, in any case.</param>
    /// <returns>The first value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public string? this[string name] => TryGetValue(name, out string? value) ? value : null;

    /// <summary>Adds a header line after the others.</summary>
    /// <param name="name">A token (RFC 3261 §25.1) such as <c>Subject</c> or <c>X-Tenant</c>; compact forms are expanded.</param>
    /// <param name="value">
    /// The value; it may not contain line breaks, nor other control characters than tab except where a backslash escapes
    /// one inside a quoted string (a quoted-pair, RFC 3261 §25.1).
    /// </param>
    /// <exception cref="ArgumentException">The name is not a token, or the value holds a line break or an unescaped control character.</exception>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public void Add(string name, string value) => _entries.Add(Entry(name, value));

    /// <summary>Replaces every line of a header with one line holding <paramref name="value"/>, where the first was, or at the end.</summary>
    /// <param name="name">The header's name.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The name is not a token, or the value holds a line break or an unescaped control character.</exception>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public void Set(string name, string value)
    {
        KeyValuePair<string, string> entry = Entry(name, value);
        int first = _entries.FindIndex(e => Same(e.Key, entry.Key));
        if (first < 0)
        {
            _entries.Add(entry);
            return;
        }

        _entries[first] = entry;
        for (int i = _entries.Count - 1; i > first; i--)
        {
            if (Same(_entries[i].Key, entry.Key))
            {
                _entries.RemoveAt(i);
            }
        }
    }

    /// <summary>Removes every line of a header.</summary>
    /// <param name="name">The header's name.</param>
    /// <returns>Whether there was any.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public bool Remove(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string canonical = SipHeaderNames.Canonical(name);
        return _entries.RemoveAll(e => Same(e.Key, canonical)) > 0;
    }

    /// <summary>Whether the message has a header.</summary>
    /// <param name="name">The header's name.</param>
    /// <returns>Whether it has at least one line of it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public bool Contains(string name) => TryGetValue(name, out _);

    /// <summary>The first value of a header.</summary>
    /// <param name="name">The header's name.</param>
    /// <param name="value">The first value, when there is one.</param>
    /// <returns>Whether there was one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public bool TryGetValue(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        string canonical = SipHeaderNames.Canonical(name);
        foreach (KeyValuePair<string, string> entry in _entries)
        {
            if (Same(entry.Key, canonical))
            {
                value = entry.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Every value of a header, one per line, in order.</summary>
    /// <param name="name">The header's name.</param>
    /// <returns>The values; empty when there are none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<string> GetValues(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string canonical = SipHeaderNames.Canonical(name);
        var values = new List<string>();
        foreach (KeyValuePair<string, string> entry in _entries)
        {
            if (Same(entry.Key, canonical))
            {
                values.Add(entry.Value);
            }
        }

        return values;
    }

    /// <summary>The header lines in order, with long names.</summary>
    /// <returns>An enumerator of name and value pairs.</returns>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Puts a header line first, as a UAC does with its own <c>Via</c> (RFC 3261 §8.1.1.7).</summary>
    internal void InsertFirst(string name, string value) => _entries.Insert(0, Entry(name, value));

    /// <summary>Adds a line the parser has already checked.</summary>
    internal void AddParsed(string canonicalName, string value) => _entries.Add(new(canonicalName, value));

    internal void CopyTo(SipHeaders target) => target._entries.AddRange(_entries);

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static KeyValuePair<string, string> Entry(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!SipSyntax.IsToken(name))
        {
            throw new ArgumentException($"'{name}' is not a SIP header name (a token of letters, digits and -.!%*_+`'~).", nameof(name));
        }

        if (!SipSyntax.IsSafeHeaderValue(value))
        {
            throw new ArgumentException($"The value of header '{name}' holds a line break or another control character.", nameof(value));
        }

        return new(SipHeaderNames.Canonical(name), value.Trim(' ', '\t'));
    }
}
