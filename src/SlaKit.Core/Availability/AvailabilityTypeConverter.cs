using System.ComponentModel;
using System.Globalization;

namespace SlaKit;

/// <summary>
/// Converts <c>"99.99"</c> or <c>"99.99%"</c> to an <see cref="Availability"/>, so availabilities bind
/// from configuration (appsettings.json) like any other value.
/// </summary>
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

        string number = text.Trim().TrimEnd('%').TrimEnd();
        // A decimal: it reads no NaN or Infinity, and a percentage just under 100 stays under it.
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal percent) ||
            percent is < 0 or > 100)
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
