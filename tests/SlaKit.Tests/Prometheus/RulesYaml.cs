using YamlDotNet.RepresentationModel;

namespace SlaKit.Tests.Prometheus;

/// <summary>A generated rules file read back as YAML, to look at its rules one by one.</summary>
internal sealed record RulesYaml(IReadOnlyList<RulesYaml.Group> Groups)
{
    public sealed record Group(string Name, string? Interval, IReadOnlyList<Rule> Rules);

    public sealed record Rule(string? Record, string? Alert, string Expr, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations);

    public IEnumerable<Rule> AllRules => Groups.SelectMany(static group => group.Rules);

    public IEnumerable<Rule> Alerts => AllRules.Where(static rule => rule.Alert is not null);

    public Rule Record(string name, string slo) =>
        AllRules.Single(rule => rule.Record == name && rule.Labels["slo"] == slo);

    public static RulesYaml Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        var groups = new List<Group>();
        foreach (YamlNode groupNode in (YamlSequenceNode)root["groups"])
        {
            var group = (YamlMappingNode)groupNode;
            var rules = new List<Rule>();
            foreach (YamlNode ruleNode in (YamlSequenceNode)group["rules"])
            {
                var rule = (YamlMappingNode)ruleNode;
                rules.Add(new Rule(
                    Scalar(rule, "record"),
                    Scalar(rule, "alert"),
                    Scalar(rule, "expr")!,
                    Map(rule, "labels"),
                    Map(rule, "annotations")));
            }

            groups.Add(new Group(Scalar(group, "name")!, Scalar(group, "interval"), rules));
        }

        return new RulesYaml(groups);
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? ((YamlScalarNode)value).Value : null;

    private static Dictionary<string, string> Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value)
            ? ((YamlMappingNode)value).Children.ToDictionary(static pair => ((YamlScalarNode)pair.Key).Value!, static pair => ((YamlScalarNode)pair.Value).Value!)
            : [];
}
