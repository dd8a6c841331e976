using System.Text.Json.Serialization;

namespace SlaKit.Budgets;

/// <summary>Source-generated JSON for saved tracker states: no reflection, trimming-safe, and strict about unknown members.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBudgetStateDocument))]
internal sealed partial class ErrorBudgetStateJsonContext : JsonSerializerContext;
