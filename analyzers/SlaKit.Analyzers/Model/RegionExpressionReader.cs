using System;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SlaKit.Analyzers.Model;

/// <summary>Reads one region expression, such as <c>new Region("eu-west", new Uri("https://eu.example/")) { Availability = Availability.FromPercent(99.95) }</c>.</summary>
internal static class RegionExpressionReader
{
    public static DeclaredRegion Read(IOperation value, KnownTypes types)
    {
        Location location = value.Syntax.GetLocation();
        if (value.WalkDownConversionAndLocals() is not IObjectCreationOperation creation || !types.Region.Contains(creation.Type))
        {
            return new DeclaredRegion(null, null, null, location);
        }

        string? name = null;
        string? host = null;
        decimal? unavailability = null;
        foreach (IArgumentOperation argument in creation.Arguments)
        {
            switch (argument.Parameter?.Name)
            {
                case "name":
                    name = argument.Value.ConstantString();
                    break;
                case "endpoint":
                    host = ReadHost(argument.Value, types);
                    break;
            }
        }

        if (creation.Initializer is { } initializer)
        {
            foreach (IOperation member in initializer.Initializers)
            {
                if (member is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Availability" } } assignment)
                {
                    unavailability = ReadAvailability(assignment.Value, types);
                }
            }
        }

        return new DeclaredRegion(name, host, unavailability, location);
    }

    /// <summary>The host of <c>new Uri("…")</c> or of an endpoint given as a string constant.</summary>
    public static string? ReadHost(IOperation value, KnownTypes types)
    {
        IOperation endpoint = value.WalkDownConversion();
        if (endpoint.ConstantString() is { } text)
        {
            return EndpointHost.Read(text);
        }

        return endpoint is IObjectCreationOperation creation && types.Uri.Contains(creation.Type) && creation.Arguments.Length > 0
            ? EndpointHost.Read(creation.Arguments[0].Value.ConstantString())
            : null;
    }

    /// <summary>
    /// The unavailability of <c>Availability.FromPercent(c)</c>, <c>FromRatio(c)</c>, <c>FromNines(c)</c>,
    /// <c>Availability.Perfect</c> or <c>Availability.Zero</c> with constant arguments.
    /// </summary>
    public static decimal? ReadAvailability(IOperation value, KnownTypes types)
    {
        switch (value.WalkDownConversion())
        {
            case IPropertyReferenceOperation { Property: { IsStatic: true } property } when types.Availability.Contains(property.ContainingType):
                return property.Name switch
                {
                    "Perfect" => 0m,
                    "Zero" => 1m,
                    _ => null,
                };
            case IInvocationOperation { TargetMethod: { IsStatic: true } method, Arguments.Length: 1 } invocation
                when types.Availability.Contains(method.ContainingType):
                if (invocation.Arguments[0].Value.ConstantValue is not { HasValue: true, Value: IConvertible constant } ||
                    constant is string or bool or char)
                {
                    return null;
                }

                double number = constant.ToDouble(CultureInfo.InvariantCulture);
                return method.Name switch
                {
                    "FromPercent" => AvailabilityMath.FromPercent(number),
                    "FromRatio" => AvailabilityMath.FromRatio(number),
                    "FromNines" => AvailabilityMath.FromNines(number),
                    _ => null,
                };
            default:
                return null;
        }
    }
}
