using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SlaKit.Analyzers.Model;

namespace SlaKit.Analyzers.Rules;

/// <summary>
/// SLA0002: an HttpClient registered with <c>AddHttpClient</c> whose <c>BaseAddress</c> is one fixed URI and whose
/// builder chain has no <c>AddRegionFailover</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HttpClientWithoutFailoverAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property holding the fixed base address, for the code fix.</summary>
    internal const string BaseAddressProperty = "BaseAddress";

    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIdentifiers.HttpClientWithoutFailover,
        title: "HttpClient with one fixed address has no region failover",
        messageFormat: "HttpClient {0} sends every request to {1} and has no region failover; add AddRegionFailover with a second region",
        RuleIdentifiers.Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A client pinned to one address fails with that address. AddRegionFailover sends each request to the best of " +
                     "several regions and moves to the next when one fails.",
        helpLinkUri: RuleIdentifiers.HelpUri(RuleIdentifiers.HttpClientWithoutFailover));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            KnownTypes? types = KnownTypes.Create(start.Compilation);
            if (types is null || types.AddHttpClientExtensions.IsEmpty || types.RegionFailoverExtensions.IsEmpty)
            {
                return;
            }

            // A failover may be added in another statement of the same method, by the client's name
            // (services.AddHttpClient("payments").AddRegionFailover()), so a method body is judged as a whole.
            start.RegisterOperationBlockStartAction(block =>
            {
                var registrations = new ClientRegistrations(types, start.Compilation.Assembly);
                block.RegisterOperationAction(operation => registrations.Inspect((IInvocationOperation)operation.Operation), OperationKind.Invocation);
                block.RegisterOperationBlockEndAction(registrations.Report);
            });
        });
    }

    /// <summary>The clients registered, and the failovers added, in one method body.</summary>
    private sealed class ClientRegistrations
    {
        private readonly KnownTypes _types;
        private readonly IAssemblySymbol _project;
        private readonly object _gate = new();
        private readonly List<(IInvocationOperation Registration, HttpClientIdentity Client, string BaseAddress)> _candidates = new();
        private readonly HashSet<string> _failoverClients = new(StringComparer.Ordinal);
        private bool _failoverForUnknownClient;

        public ClientRegistrations(KnownTypes types, IAssemblySymbol project)
        {
            _types = types;
            _project = project;
        }

        public void Inspect(IInvocationOperation invocation)
        {
            if (invocation.TargetMethod.Name == "AddRegionFailover" && _types.RegionFailoverExtensions.Contains(invocation.TargetMethod.ContainingType))
            {
                HttpClientIdentity? client = invocation.Arguments.Length > 0 ? HttpClientChain.FindClient(invocation.Arguments[0].Value, _types) : null;
                lock (_gate)
                {
                    if (client?.Name is { } name)
                    {
                        _failoverClients.Add(name);
                    }
                    else
                    {
                        _failoverForUnknownClient = true;
                    }
                }

                return;
            }

            if (!HttpClientChain.IsAddHttpClient(invocation, _types) || ReadChain(invocation) is not { } baseAddress)
            {
                return;
            }

            lock (_gate)
            {
                _candidates.Add((invocation, HttpClientChain.Identify(invocation), baseAddress));
            }
        }

        public void Report(OperationBlockAnalysisContext context)
        {
            lock (_gate)
            {
                if (_failoverForUnknownClient)
                {
                    return;
                }

                foreach ((IInvocationOperation registration, HttpClientIdentity client, string baseAddress) in _candidates)
                {
                    if (client.Name is { } name && _failoverClients.Contains(name))
                    {
                        continue;
                    }

                    ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty.Add(BaseAddressProperty, baseAddress);
                    context.ReportDiagnostic(Diagnostic.Create(Rule, registration.NameLocation(), properties, client.Describe(), baseAddress));
                }
            }
        }

        /// <summary>
        /// The fixed base address of a registration whose whole chain is in view and has no failover; otherwise
        /// <see langword="null"/>. The chain is in view when its value is discarded at the end of a statement and
        /// no link is a method of the project's own (which could add a failover inside).
        /// </summary>
        private string? ReadChain(IInvocationOperation registration)
        {
            var configureLambdas = new List<IOperation>();
            CollectConfigureArguments(registration, configureLambdas);

            IOperation current = registration;
            while (true)
            {
                IOperation? parent = current.Parent;
                if (parent is IConversionOperation)
                {
                    current = parent;
                    continue;
                }

                if (parent is IArgumentOperation { Parameter.Ordinal: 0, Parent: IInvocationOperation next } && next.TargetMethod.IsExtensionMethod)
                {
                    if (next.TargetMethod.Name == "AddRegionFailover" || next.TargetMethod.IsDeclaredIn(_project))
                    {
                        return null;
                    }

                    if (next.TargetMethod.Name == "ConfigureHttpClient")
                    {
                        CollectConfigureArguments(next, configureLambdas);
                    }

                    current = next;
                    continue;
                }

                if (parent is not IExpressionStatementOperation)
                {
                    return null;
                }

                break;
            }

            return ReadBaseAddress(configureLambdas);
        }

        /// <summary>The <c>Action&lt;HttpClient&gt;</c> (or <c>Action&lt;IServiceProvider, HttpClient&gt;</c>) arguments of a call.</summary>
        private void CollectConfigureArguments(IInvocationOperation invocation, List<IOperation> lambdas)
        {
            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (argument.Parameter?.Type is INamedTypeSymbol { DelegateInvokeMethod: { } invoke } &&
                    invoke.Parameters.Length > 0 &&
                    _types.HttpClient.Contains(invoke.Parameters[invoke.Parameters.Length - 1].Type))
                {
                    lambdas.Add(argument.Value);
                }
            }
        }

        /// <summary>The address when exactly one <c>BaseAddress = new Uri("…")</c> with an absolute constant is set, otherwise <see langword="null"/>.</summary>
        private string? ReadBaseAddress(List<IOperation> configureArguments)
        {
            string? address = null;
            int assignments = 0;
            foreach (IOperation argument in configureArguments)
            {
                if (argument.WalkDownConversion() is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda })
                {
                    // A method group or a delegate variable could set any address.
                    return null;
                }

                foreach (IOperation operation in lambda.Body.Descendants())
                {
                    if (operation is IAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "BaseAddress" } target } assignment &&
                        _types.HttpClient.Contains(target.Property.ContainingType))
                    {
                        assignments++;
                        address = ReadFixedUri(assignment.Value);
                    }
                }
            }

            return assignments == 1 ? address : null;
        }

        private string? ReadFixedUri(IOperation value)
        {
            if (value.WalkDownConversion() is not IObjectCreationOperation creation || !_types.Uri.Contains(creation.Type) ||
                creation.Arguments.Length == 0 || creation.Arguments[0].Value.ConstantString() is not { } text)
            {
                return null;
            }

            return Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) &&
                !IsServiceName(uri)
                ? text
                : null;
        }

        /// <summary>
        /// A host of one label, such as <c>http://webhooks-api</c>: a name that service discovery, a container network or
        /// a cluster's DNS resolves to whichever instances are up, like the <c>https+http://</c> names of .NET service
        /// discovery. It is not one fixed address. <c>localhost</c> is.
        /// </summary>
        private static bool IsServiceName(Uri uri) =>
            uri.HostNameType == UriHostNameType.Dns && uri.Host.IndexOf('.') < 0 && !uri.IsLoopback;
    }
}
