using System.ComponentModel;
using System.Globalization;

namespace SlaKit;

/// <summary>
/// Converts <c>"99.99"</c> or <c>"99.99%"</c> to an <see cref="Availability"/>, so availabilities bind
/// from configuration (appsettings.json) like any other value.
/// </summary>
/// <remarks>
/// The text reads the same in every culture, whatever culture the caller passes: ASCII digits with <c>.</c> as the
/// decimal point, then at most one <c>%</c>; no sign, exponent, group separator, NaN or Infinity. White space around the
/// number and the sign is ignored. The percentage is exact, with at most 26 decimal places: one with more digits is
/// refused rather than rounded.
/// </remarks>
internal sealed class AvailabilityTypeConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        if (value is not string text)
        {
            return base.ConvertFrom(context, culture, value);
        }

        string number = text.Trim();
        if (number.EndsWith('%'))
        {
            number = number[..^1];
        }

        // A decimal: it reads no NaN or Infinity, and a percentage just under 100 stays under it.
        NumberRead read = NumberText.TryParsePercent(number, out decimal percent);
        if (read == NumberRead.TooManyDigits)
        {
            throw new FormatException(NumberText.TooManyDigits(text) + ".");
        }

        if (read != NumberRead.Number || percent > 100)
        {
            throw new FormatException($"'{text}' is not an availability percentage in [0, 100], such as 99.99 or 99.99%.");
        }

        return Availability.FromPercentExact(percent);
    }

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        value is Availability availability && destinationType == typeof(string)
            ? availability.ToString()
            : base.ConvertTo(context, culture, value, destinationType);
}
