using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
    private const string GrpcOptionsTypeName = "GrpcClientFactoryOptions";

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
        helpLinkUri: RuleIdentifiers.HelpUri(RuleIdentifiers.HttpClientWithoutFailover),
        // Whether a failover is added to the client elsewhere in the project is known only once the whole compilation has been seen.
        customTags: WellKnownDiagnosticTags.CompilationEnd);

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

            // A failover may be added to the client anywhere in the project: in another statement, another method or
            // another class, by the client's name, through a builder a method returns, or by the project's own
            // extension method. So the compilation is judged as a whole, at its end.
            var registrations = new ClientRegistrations(types, start.Compilation.Assembly);
            start.RegisterOperationAction(operation => registrations.Inspect((IInvocationOperation)operation.Operation), OperationKind.Invocation);
            start.RegisterOperationAction(operation => registrations.Inspect((IMethodReferenceOperation)operation.Operation), OperationKind.MethodReference);
            start.RegisterOperationAction(operation => registrations.Inspect((IReturnOperation)operation.Operation, operation.ContainingSymbol), OperationKind.Return);
            start.RegisterCompilationEndAction(registrations.Report);
        });
    }

    /// <summary>
    /// The clients registered, and the failovers added, in one compilation, with what is needed to trace a failover's
    /// builder across methods: the builders each method of the project is called with, and those it returns.
    /// </summary>
    private sealed class ClientRegistrations
    {
        private readonly KnownTypes _types;
        private readonly IAssemblySymbol _project;
        private readonly ConcurrentQueue<(Diagnostic Diagnostic, BuilderOrigin Name)> _candidates = new();
        private readonly ConcurrentQueue<BuilderOrigin> _failovers = new();

        /// <summary>For each builder or <c>string</c> parameter of a method of the project, the builders or client names its calls pass it.</summary>
        private readonly ConcurrentDictionary<ISymbol, ConcurrentQueue<BuilderOrigin>> _arguments = new(SymbolEqualityComparer.Default);

        /// <summary>For each method of the project, the builders it returns.</summary>
        private readonly ConcurrentDictionary<ISymbol, ConcurrentQueue<BuilderOrigin>> _returns = new(SymbolEqualityComparer.Default);

        /// <summary>The methods of the project passed as a delegate, which can be called with any builder unseen.</summary>
        private readonly ConcurrentDictionary<ISymbol, bool> _passedAsDelegates = new(SymbolEqualityComparer.Default);

        public ClientRegistrations(KnownTypes types, IAssemblySymbol project)
        {
            _types = types;
            _project = project;
        }

        public void Inspect(IInvocationOperation invocation)
        {
            IMethodSymbol method = invocation.TargetMethod;
            if (method.IsDeclaredIn(_project))
            {
                foreach (IArgumentOperation argument in invocation.Arguments)
                {
                    if (argument.Parameter is not { } parameter)
                    {
                        continue;
                    }

                    // A builder parameter left at its default is given no builder; a name left at its default is that constant.
                    BuilderOrigin? origin =
                        _types.HttpClientBuilder.Contains(parameter.Type) ?
                            (argument.ArgumentKind == ArgumentKind.DefaultValue ? null : HttpClientChain.FindOrigin(argument.Value, _types, _project)) :
                        parameter.Type.SpecialType == SpecialType.System_String ? HttpClientChain.NameOrigin(argument.Value, _project) :
                        null;
                    if (origin is not null)
                    {
                        _arguments.GetOrAdd(method.OriginalDefinition.Parameters[parameter.Ordinal], static _ => new ConcurrentQueue<BuilderOrigin>()).Enqueue(origin);
                    }
                }

                return;
            }

            if (method.Name == "AddRegionFailover" && _types.RegionFailoverExtensions.Contains(method.ContainingType))
            {
                _failovers.Enqueue(invocation.Arguments.Length > 0 ? HttpClientChain.FindOrigin(invocation.Arguments[0].Value, _types, _project) : BuilderOrigin.Unknown);
                return;
            }

            if (!HttpClientChain.IsRegistration(invocation, _types, _project) || ReadChain(invocation) is not { } baseAddress)
            {
                return;
            }

            HttpClientIdentity client = HttpClientChain.Identify(invocation);
            ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty.Add(BaseAddressProperty, baseAddress);
            _candidates.Enqueue((Diagnostic.Create(Rule, invocation.NameLocation(), properties, client.Describe(), baseAddress), HttpClientChain.FindNameOrigin(invocation, _project)));
        }

        public void Inspect(IMethodReferenceOperation reference)
        {
            if (reference.Method.IsDeclaredIn(_project))
            {
                _passedAsDelegates.TryAdd(reference.Method.OriginalDefinition, true);
            }
        }

        public void Inspect(IReturnOperation operation, ISymbol containingSymbol)
        {
            if (operation.ReturnedValue is not { } value || ReturningMethod(operation, containingSymbol) is not { } method ||
                !_types.HttpClientBuilder.Contains(method.ReturnType))
            {
                return;
            }

            _returns.GetOrAdd(method.OriginalDefinition, static _ => new ConcurrentQueue<BuilderOrigin>())
                .Enqueue(HttpClientChain.FindOrigin(value, _types, _project));
        }

        public void Report(CompilationAnalysisContext context)
        {
            if (Names(_failovers) is not { } failoverClients)
            {
                // A failover on a builder that could be any client's.
                return;
            }

            foreach ((Diagnostic diagnostic, BuilderOrigin name) in _candidates)
            {
                // A client named by a method's parameter has each name its calls give; one without a failover is reported.
                // A registration no call reaches has no name in view, and is reported as it reads.
                HashSet<string>? names = Names(new[] { name });
                if (names is null || names.Count == 0 || !names.IsSubsetOf(failoverClients))
                {
                    context.ReportDiagnostic(diagnostic);
                }
            }
        }

        /// <summary>
        /// The names of the clients <paramref name="origins"/> can be, following each through the calls of the methods
        /// whose parameter it is and the returns of the methods whose result it is; <see langword="null"/> when one of
        /// them could be any client.
        /// </summary>
        private HashSet<string>? Names(IEnumerable<BuilderOrigin> origins)
        {
            var clients = new HashSet<string>(StringComparer.Ordinal);
            var followed = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var pending = new Stack<BuilderOrigin>(origins);
            while (pending.Count > 0)
            {
                BuilderOrigin origin = pending.Pop();
                IEnumerable<BuilderOrigin>? sources;
                switch (origin.Kind)
                {
                    case BuilderOriginKind.Client:
                        clients.Add(origin.ClientName!);
                        continue;
                    case BuilderOriginKind.Parameter when !_passedAsDelegates.ContainsKey(origin.Method!):
                        IParameterSymbol parameter = origin.Method!.Parameters[origin.Ordinal];
                        sources = followed.Add(parameter) && _arguments.TryGetValue(parameter, out ConcurrentQueue<BuilderOrigin>? arguments) ? arguments : null;
                        break;
                    case BuilderOriginKind.Result:
                        // A method that returns no builder in view (it always throws) adds no client.
                        sources = followed.Add(origin.Method!) && _returns.TryGetValue(origin.Method!, out ConcurrentQueue<BuilderOrigin>? returned) ? returned : null;
                        break;
                    default:
                        return null;
                }

                foreach (BuilderOrigin source in sources ?? Enumerable.Empty<BuilderOrigin>())
                {
                    pending.Push(source);
                }
            }

            return clients;
        }

        /// <summary>The method or local function a <c>return</c> leaves; <see langword="null"/> for a lambda's.</summary>
        private static IMethodSymbol? ReturningMethod(IReturnOperation operation, ISymbol containingSymbol)
        {
            for (IOperation? parent = operation.Parent; parent is not null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case IAnonymousFunctionOperation:
                        return null;
                    case ILocalFunctionOperation localFunction:
                        return localFunction.Symbol;
                }
            }

            return containingSymbol as IMethodSymbol;
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
                    if (next.TargetMethod.Name == "AddRegionFailover" || next.TargetMethod.IsDeclaredIn(_project) || MayRouteElsewhere(next))
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

            return ReadBaseAddress(configureLambdas, ConstructorAssignments(registration));
        }

        /// <summary>
        /// Whether a link is .NET's standard hedging handler given a routing strategy
        /// (<c>.AddStandardHedgingHandler(routing => routing.ConfigureOrderedGroups(…))</c>, <c>ConfigureWeightedGroups</c>,
        /// <c>ConfigureRoutingStrategy</c>), which sends the requests, and their hedges, to the endpoints it is given
        /// rather than to the base address: failover of .NET's own. A routing configuration passed as a method group or
        /// a delegate variable may do the same.
        /// </summary>
        private static bool MayRouteElsewhere(IInvocationOperation link)
        {
            if (link.TargetMethod.Name != "AddStandardHedgingHandler")
            {
                return false;
            }

            foreach (IArgumentOperation argument in link.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue ||
                    argument.Parameter?.Type is not INamedTypeSymbol { DelegateInvokeMethod: { } invoke } ||
                    !invoke.Parameters.Any(static p => IsRoutingStrategyBuilder(p.Type)))
                {
                    continue;
                }

                if (argument.Value.WalkDownConversion() is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda })
                {
                    return true;
                }

                foreach (IOperation operation in lambda.Body.Descendants())
                {
                    if (operation is IInvocationOperation call &&
                        (IsRoutingStrategyBuilder(call.Instance?.Type) ||
                         (call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 && IsRoutingStrategyBuilder(call.Arguments[0].Parameter?.Type))))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsRoutingStrategyBuilder(ITypeSymbol? type) =>
            type is { Name: "IRoutingStrategyBuilder" } && type.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.Http.Resilience";

        /// <summary>
        /// The <c>BaseAddress</c> assignments in the constructors of a typed client declared in the project
        /// (<c>AddHttpClient&lt;PaymentsClient&gt;()</c> with <c>http.BaseAddress = new Uri("…")</c> inside
        /// <c>PaymentsClient</c>, or on the field the constructor keeps the client in: <c>_http = http;
        /// _http.BaseAddress = …</c>): the address of each, or <see langword="null"/> for one that is not a literal URI.
        /// Read from the syntax, since the constructor is another method than the one analysed.
        /// </summary>
        private List<string?> ConstructorAssignments(IInvocationOperation registration)
        {
            var found = new List<string?>();
            ImmutableArray<ITypeSymbol> typeArguments = registration.TargetMethod.TypeArguments;
            if (typeArguments.IsEmpty || typeArguments[typeArguments.Length - 1] is not INamedTypeSymbol client || !client.IsDeclaredIn(_project))
            {
                return found;
            }

            foreach (IMethodSymbol constructor in client.InstanceConstructors)
            {
                foreach (SyntaxReference reference in constructor.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax() is not ConstructorDeclarationSyntax declaration)
                    {
                        continue;
                    }

                    var clients = new HashSet<string>(StringComparer.Ordinal);
                    foreach (IParameterSymbol parameter in constructor.Parameters)
                    {
                        if (_types.HttpClient.Contains(parameter.Type))
                        {
                            clients.Add(parameter.Name);
                        }
                    }

                    List<AssignmentExpressionSyntax> assignments = declaration.DescendantNodes().OfType<AssignmentExpressionSyntax>().ToList();

                    // The members the client is kept in (_http = http; this._http = http ?? throw …), which may be given the address instead.
                    var members = new HashSet<string>(StringComparer.Ordinal);
                    foreach (AssignmentExpressionSyntax assignment in assignments)
                    {
                        if (assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) &&
                            WithoutThrow(assignment.Right) is IdentifierNameSyntax source && clients.Contains(source.Identifier.ValueText) &&
                            MemberName(assignment.Left) is { } member)
                        {
                            members.Add(member);
                        }
                    }

                    foreach (AssignmentExpressionSyntax assignment in assignments)
                    {
                        if (assignment.Left is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "BaseAddress", Expression: { } target } &&
                            ((target is IdentifierNameSyntax parameter && clients.Contains(parameter.Identifier.ValueText)) ||
                             (MemberName(target) is { } member && members.Contains(member))))
                        {
                            found.Add(Fixed(LiteralUri(assignment.Right)));
                        }
                    }
                }
            }

            return found;
        }

        /// <summary>The name of a field or property written as <c>_http</c> or <c>this._http</c>; <see langword="null"/> for anything else.</summary>
        private static string? MemberName(ExpressionSyntax expression) => expression switch
        {
            IdentifierNameSyntax name => name.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax name } => name.Identifier.ValueText,
            _ => null,
        };

        /// <summary>The value of <c>value ?? throw …</c>, or the expression itself.</summary>
        private static ExpressionSyntax WithoutThrow(ExpressionSyntax expression) =>
            expression is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceExpression, Right: ThrowExpressionSyntax } coalesce ? coalesce.Left : expression;

        /// <summary>
        /// The configure arguments of a call that may set the address: an <c>Action&lt;HttpClient&gt;</c> (or
        /// <c>Action&lt;IServiceProvider, HttpClient&gt;</c>), or an action on options that carry the address, such as
        /// gRPC's <c>GrpcClientFactoryOptions</c>.
        /// </summary>
        private void CollectConfigureArguments(IInvocationOperation invocation, List<IOperation> lambdas)
        {
            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (argument.Parameter?.Type is INamedTypeSymbol { DelegateInvokeMethod: { } invoke } &&
                    invoke.Parameters.Length > 0 &&
                    invoke.Parameters[invoke.Parameters.Length - 1].Type is { } configured &&
                    (_types.HttpClient.Contains(configured) || configured.Name == GrpcOptionsTypeName))
                {
                    lambdas.Add(argument.Value);
                }
            }
        }

        /// <summary>Whether an assignment sets the client's address: <c>HttpClient.BaseAddress</c> or gRPC's <c>GrpcClientFactoryOptions.Address</c>.</summary>
        private bool SetsAddress(IPropertyReferenceOperation target) =>
            (target.Property.Name == "BaseAddress" && _types.HttpClient.Contains(target.Property.ContainingType)) ||
            (target.Property.Name == "Address" && target.Property.ContainingType.Name == GrpcOptionsTypeName && _types.Uri.Contains(target.Property.Type));

        /// <summary>The address when exactly one <c>BaseAddress = new Uri("…")</c> with an absolute constant is set, otherwise <see langword="null"/>.</summary>
        private string? ReadBaseAddress(List<IOperation> configureArguments, List<string?> constructorAssignments)
        {
            string? address = constructorAssignments.Count == 1 ? constructorAssignments[0] : null;
            int assignments = constructorAssignments.Count;
            foreach (IOperation argument in configureArguments)
            {
                if (argument.WalkDownConversion() is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda })
                {
                    // A method group or a delegate variable could set any address.
                    return null;
                }

                foreach (IOperation operation in lambda.Body.Descendants())
                {
                    if (operation is IAssignmentOperation { Target: IPropertyReferenceOperation target } assignment && SetsAddress(target))
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
            IOperation uriValue = value.WalkDownConversion();
            string? text;
            if (uriValue is IFieldReferenceOperation { Field: { IsStatic: true, IsReadOnly: true } field } && _types.Uri.Contains(field.Type))
            {
                // static readonly Uri Payments = new("https://…"): as fixed as a literal.
                text = FieldInitializerString(field);
            }
            else if (uriValue is IObjectCreationOperation creation && _types.Uri.Contains(creation.Type) && creation.Arguments.Length > 0)
            {
                text = creation.Arguments[0].Value.ConstantString();
            }
            else
            {
                text = null;
            }

            return Fixed(text);
        }

        /// <summary><paramref name="text"/> when it is one fixed http(s) address, not a service name; otherwise <see langword="null"/>.</summary>
        private static string? Fixed(string? text) =>
            text is not null && Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) &&
            !IsServiceName(uri)
                ? text
                : null;

        /// <summary>
        /// The string literal a <c>static readonly Uri</c> field of the project is created from
        /// (<c>new Uri("…")</c>, <c>new("…")</c>); <see langword="null"/> for anything else.
        /// </summary>
        private static string? FieldInitializerString(IFieldSymbol field)
        {
            if (field.DeclaringSyntaxReferences.Length != 1 ||
                field.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: { } initializer })
            {
                return null;
            }

            return LiteralUri(initializer);
        }

        /// <summary>The string literal of <c>new Uri("…")</c> or <c>new("…")</c>; <see langword="null"/> for anything else.</summary>
        private static string? LiteralUri(ExpressionSyntax expression)
        {
            ArgumentListSyntax? arguments = expression switch
            {
                ObjectCreationExpressionSyntax creation => creation.ArgumentList,
                ImplicitObjectCreationExpressionSyntax creation => creation.ArgumentList,
                _ => null,
            };
            return arguments is { Arguments.Count: > 0 } && arguments.Arguments[0].Expression is LiteralExpressionSyntax literal &&
                literal.IsKind(SyntaxKind.StringLiteralExpression)
                ? literal.Token.ValueText
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
