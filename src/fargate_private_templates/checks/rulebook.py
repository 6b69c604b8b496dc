"""Every rule of the checker, defined once: its id, severity, title, what it checks, how to fix a finding, and its
documentation link. The findings, the cfn-lint rule classes, ``check --explain``, ``check --format json`` and the rule
table of ``docs/rules.md`` all read this table."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Final

ERROR: Final = "error"
WARNING: Final = "warning"
# Where each rule is documented: its anchor in the rule reference generated from this table.
RULES_PAGE: Final = "docs/rules.md"
EXPLAIN_WIDTH: Final = 100


@dataclass(frozen=True)
class Rule:
    """One rule. ``title`` is one line; ``description`` says precisely what is checked and what is not."""

    id: str
    severity: str
    title: str
    description: str
    fix: str

    @property
    def link(self) -> str:
        return f"{RULES_PAGE}#{self.id.lower()}"

    def explain(self) -> str:
        """The rule as ``check --explain`` prints it, wrapped for a terminal."""
        paragraphs = [f"{self.id} ({self.severity}): {self.title}", self.description, f"Fix: {self.fix}"]
        return "\n\n".join(textwrap.fill(text, EXPLAIN_WIDTH) for text in paragraphs) + f"\n\nMore: {self.link}\n"


_RULES: Final = (
    Rule(
        "E9001",
        ERROR,
        "Every launcher of Fargate tasks runs them with AssignPublicIp DISABLED in every branch",
        "AWS::ECS::Service, AWS::ECS::TaskSet, the EcsParameters of AWS::Events::Rule and AWS::Scheduler::Schedule "
        "targets, the EcsTaskParameters of an AWS::Pipes::Pipe and the ecs:runTask states of a Step Functions state "
        "machine need an awsvpc NetworkConfiguration with AssignPublicIp DISABLED (or absent) in every Fn::If branch; "
        "an AWS::Batch::JobDefinition on Fargate needs NetworkConfiguration.AssignPublicIp DISABLED (or absent). A "
        "parameter cannot be proven DISABLED; a value read only at run time is a W9009.",
        "Set NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp to DISABLED (a literal, not a parameter) and put "
        "the tasks in private subnets, which reach their registry through NAT or VPC endpoints.",
    ),
    Rule(
        "W9001",
        WARNING,
        "AssignPublicIp is absent: DISABLED by default, but say it explicitly",
        "AssignPublicIp left out defaults to DISABLED (for services, task sets, EventBridge, Scheduler and Pipes "
        "targets, state machine states and Batch job definitions); spelling it out keeps a later edit from flipping "
        "it.",
        "Add AssignPublicIp: DISABLED to the awsvpc configuration.",
    ),
    Rule(
        "E9002",
        ERROR,
        "Tasks run only in private subnets: no 0.0.0.0/0 route to an internet gateway",
        "Every subnet a launcher runs tasks in (the awsvpc configuration of a service, task set, scheduled task, "
        "pipe or state machine state; the Subnets of a Batch compute environment) is private: its route table sends "
        "0.0.0.0/0 (and ::/0) somewhere other than an internet gateway. Subnets imported from another stack, or "
        "read from a nested stack's outputs, are checked when that stack's template is given too.",
        "Run the tasks in subnets whose route table sends 0.0.0.0/0 to a NAT gateway (or has no default route and "
        "reaches AWS through VPC endpoints); keep the internet gateway route for the load balancer's subnets.",
    ),
    Rule(
        "E9003",
        ERROR,
        "Task subnets reach a registry: a NAT gateway in a public subnet, or ECR and S3 VPC endpoints",
        "Each subnet a launcher runs tasks in sends 0.0.0.0/0 to a NAT gateway that is "
        "regional or sits in a public subnet, or the VPC has ecr.api and ecr.dkr interface endpoints (private DNS "
        "on) and an s3 gateway endpoint on its route table.",
        "Route the task subnets' 0.0.0.0/0 to a NAT gateway in a public subnet, or add the ecr.api and ecr.dkr "
        "interface endpoints (private DNS on) and the s3 gateway endpoint on the task subnets' route tables.",
    ),
    Rule(
        "E9004",
        ERROR,
        "Load balancers in front of services sit only in public subnets if internet-facing, private if internal",
        "An internet-facing load balancer (Scheme absent means internet-facing) forwarding to a service's target "
        "group is reachable only if all its subnets route 0.0.0.0/0 to an internet gateway; an internal one belongs "
        "in subnets that do not.",
        "Put an internet-facing load balancer in the public subnets and an internal one in the private subnets.",
    ),
    Rule(
        "E9005",
        ERROR,
        "No subnet sets MapPublicIpOnLaunch true (Security Hub EC2.15)",
        "MapPublicIpOnLaunch true gives every EC2 instance launched in the subnet a public IPv4 address (Security Hub "
        "control EC2.15, AWS Config rule subnet-auto-assign-public-ip-disabled). It does not give Fargate tasks one: "
        "their AssignPublicIp decides that (E9001), so this finding is about the subnet and what else may be "
        "launched in it, not a proof that tasks are public.",
        "Set MapPublicIpOnLaunch to false (or leave it out); load balancers and NAT gateways bring their own "
        "addresses.",
    ),
    Rule(
        "E9006",
        ERROR,
        "Task security groups admit nothing from 0.0.0.0/0 or ::/0",
        "The security groups a launcher gives its tasks (in its awsvpc configuration, or a Batch compute "
        "environment's SecurityGroupIds) admit nothing "
        "from 0.0.0.0/0 or ::/0, neither inline (SecurityGroupIngress) nor through AWS::EC2::SecurityGroupIngress "
        "resources.",
        "Admit the container port only from the load balancer's security group (SourceSecurityGroupId).",
    ),
    Rule(
        "E9007",
        ERROR,
        "Every Fn::ImportValue matches an export, every Fn::GetStackOutput an output, of the given templates",
        "An import names an export (or a Fn::GetStackOutput an output) that the given template standing for that "
        "stack does not have; CloudFormation would refuse the stack. Checked only across templates, so cfn-lint, "
        "which sees one template at a time, has no rule for it.",
        "Import a key the producer's template exports, or add the export to the producer (export names are a "
        "contract: add keys, never rename them).",
    ),
    Rule(
        "E9008",
        ERROR,
        "Tasks pulling from outside ECR run in subnets with a NAT path",
        "A task definition a launcher names (or a Batch job definition's containers) with RepositoryCredentials, or "
        "an image from Docker Hub, GHCR or public ECR, needs a NAT path: VPC endpoints reach only ECR and other AWS "
        "services. An image from a parameter reads as the parameter's default (or what a parent stack passes).",
        "Give the task subnets a NAT path, or pull the image through an ECR pull-through cache rule (reachable "
        "through the ECR endpoints).",
    ),
    Rule(
        "W9009",
        WARNING,
        "Something a rule needs could not be resolved from the given templates",
        "A subnet from a parameter, an import with no producer template given, an image reference from a variable on "
        "a network without NAT, a nested stack whose template is not given, a state machine definition kept in S3, "
        "a value a state machine, pipe or Scheduler target reads only at run time (a Key.$ path, a JSONata "
        "expression, a $. path): what the rules need is not in the templates, so nothing is proven either way.",
        "Give the templates the value comes from (the network template with the service template, a nested stack's "
        "template), or set it literally.",
    ),
    Rule(
        "E9010",
        ERROR,
        "Task security groups allow TCP 443 out to each place their needs go: endpoint, S3 gateway or internet",
        "The security groups of a launcher's tasks allow TCP 443 out (inline egress rules, "
        "AWS::EC2::SecurityGroupEgress resources, or the implicit allow-all of a group declared without egress) to "
        "each interface endpoint the tasks use (its security group or a CIDR covering its subnets), to the S3 "
        "gateway (a prefix list or 0.0.0.0/0) and, for what only NAT reaches, to 0.0.0.0/0.",
        "Add egress rules for TCP 443 to each endpoint's security group (or the VPC CIDR), to the S3 prefix list and, "
        "for what only NAT reaches, to 0.0.0.0/0.",
    ),
    Rule(
        "E9011",
        ERROR,
        "Interface endpoints the tasks use admit TCP 443 from the task security groups or task subnets",
        "Each interface VPC endpoint the tasks use has a security group admitting TCP 443 from a task security "
        "group or from a CIDR covering the task subnets (the VPC CIDR, for example Fn::GetAtt VPC.CidrBlock).",
        "Admit TCP 443 in the endpoint's security group from the task security group or the VPC CIDR.",
    ),
    Rule(
        "E9012",
        ERROR,
        "Network ACLs of task subnets pass TCP 443 out and the ephemeral ports 1024-65535 back",
        "A network ACL associated with a task subnet allows TCP 443 out to each place the tasks' needs go and TCP "
        "1024-65535 back from it, judged entry by entry in rule-number order like the VPC does.",
        "Add an outbound allow entry for TCP 443 and an inbound allow entry for TCP 1024-65535 before any deny.",
    ),
    Rule(
        "E9013",
        ERROR,
        "VPCs with private-DNS interface endpoints the tasks use have DNS support and DNS hostnames on",
        "A VPC holding interface endpoints with PrivateDnsEnabled that the tasks use sets EnableDnsHostnames true "
        "and leaves EnableDnsSupport on; otherwise the tasks resolve the services' public names.",
        "Set EnableDnsSupport and EnableDnsHostnames to true on the VPC.",
    ),
    Rule(
        "E9014",
        ERROR,
        "Everything each container needs (logs, secrets, credentials, ECS Exec, KMS, images in other Regions) "
        "has a path: its VPC endpoint or NAT",
        "For every container: the awslogs driver reaches a logs endpoint, Secrets Manager and Parameter Store "
        "secrets reach their endpoints, ECS Exec reaches ssmmessages (and kms when the cluster encrypts sessions "
        "with a customer-managed key), or the task subnet has a NAT path.",
        "Add the VPC endpoint the finding names (logs, secretsmanager, ssm, ssmmessages, kms) or give the task "
        "subnets a NAT path.",
    ),
    Rule(
        "W9015",
        WARNING,
        "Egress goes to a transit gateway, peering connection, firewall endpoint or instance: verify it",
        "A task subnet's 0.0.0.0/0 route goes to a transit gateway, Cloud WAN, a VPC peering connection, a firewall "
        "or Gateway Load Balancer endpoint, an instance or a network interface, and a need has no other path: the "
        "warning names the target and what to verify there.",
        "Verify that the target forwards TCP 443 to NAT or to endpoints that serve ECR, S3 and what the tasks call, "
        "and that the replies come back.",
    ),
    Rule(
        "W9016",
        WARNING,
        "A launcher of tasks could not be proven private",
        "A launcher (a service, task set, scheduled task, pipe, state machine or Batch job) found no error, but its "
        "tasks are not proven to get only private IPs in private subnets: its subnets are not resolved (an import or "
        "a nested stack whose template is not given), it names no subnets, AssignPublicIp or the network "
        "configuration is read only at run time, or a subnet's route table is not given. The warning names why. "
        "Checked only across the given templates, so cfn-lint has no rule for it.",
        "Give the templates its subnets and network configuration come from, or set them literally.",
    ),
    Rule(
        "E9017",
        ERROR,
        "Templates that launch tasks have at least one launcher proven private",
        "The given templates launch tasks but none of their launchers is proven private (each has a W9016 or an "
        "error): the check would prove nothing, so it fails rather than pass. Checked only across the given "
        "templates, so cfn-lint, which sees one template at a time, has no rule for it.",
        "Give the templates the launchers read from, for example the network template with the service template "
        "(`check network.yaml service.yaml`), or a folder holding both (`check templates/`).",
    ),
    Rule(
        "E9018",
        ERROR,
        "A capacity provider strategy names only capacity providers its cluster has",
        "A capacity provider strategy (of a service, task set, scheduled task, pipe or state machine state) names a "
        "capacity provider the cluster, when it is in the given templates, has in no deployment: not in its "
        "CapacityProviders, its DefaultCapacityProviderStrategy or an AWS::ECS::ClusterCapacityProviderAssociations "
        "naming it. ECS requires the association before a strategy can use the provider, so the stack fails.",
        "Add the provider (FARGATE, FARGATE_SPOT) to the cluster's CapacityProviders, or name one it has.",
    ),
    Rule(
        "W9019",
        WARNING,
        "A capacity provider the strategy names is on the cluster only under a condition the strategy is not under",
        "The cluster has the capacity provider only when a condition holds (an Fn::If around FARGATE_SPOT for the "
        "partitions that have it, say), while the strategy naming it is under no such condition: in the deployments "
        "where the condition is false the stack fails. A strategy under the same condition (same name in the same "
        "template, or the same definition over pseudo parameters in another) is fine.",
        "Put the strategy under the same condition, or give the cluster the provider in every deployment.",
    ),
    Rule(
        "E9020",
        ERROR,
        "Listener rules on one listener, across the given templates, have distinct priorities",
        "Two AWS::ElasticLoadBalancingV2::ListenerRule resources on the same listener with the same Priority (a "
        "parameter counts with its default) make CloudFormation fail; across stacks, run the checker on all of them.",
        "Give each rule its own priority (render --config assigns them for services on one front door).",
    ),
    Rule(
        "E9021",
        ERROR,
        "With CloudFront in front, load balancers of services are internal and reached by a VPC origin a "
        "distribution uses",
        "When the given templates hold an AWS::CloudFront::Distribution, CloudFront is the only way in: every load "
        "balancer forwarding to a service's target group is internal (an internet-facing one can be reached around "
        "the distribution, its web ACL and its TLS policy), an AWS::CloudFront::VpcOrigin points at it "
        "(VpcOriginEndpointConfig.Arn), and a distribution's origin uses that VPC origin "
        "(VpcOriginConfig.VpcOriginId); otherwise CloudFront cannot reach it. Without a distribution an internal "
        "load balancer stays valid (for a VPN or peering). A link that cannot be read (an ARN from a template not "
        "given) is a W9009.",
        "Make the load balancer internal, in the private subnets, point a VPC origin's Arn at it and use the VPC "
        "origin's Id in the distribution's origin (render with load_balancer.kind or [ingress] kind = "
        '"cloudfront").',
    ),
)
RULES: Final[dict[str, Rule]] = {rule.id: rule for rule in _RULES}


def severity_of(rule_id: str) -> str:
    return RULES[rule_id].severity


RULES_HEADER: Final = """# Checker rules

Generated from `src/fargate_private_templates/checks/rulebook.py` by `make templates`: edit the rule there, not here.
`fargate-private-templates check --explain CODE` prints one rule.
"""


def rules_markdown() -> str:
    """``docs/rules.md``: a table of every rule, then a section per rule (its anchor is the rule's link)."""
    lines = [RULES_HEADER, "| Rule | Severity | Checks |", "|---|---|---|"]
    lines += [f"| [{r.id}](#{r.id.lower()}) | {r.severity} | {r.title} |" for r in _RULES]
    for rule in _RULES:
        lines += ["", f"## {rule.id}", "", f"**{rule.title}** ({rule.severity})", "", rule.description, ""]
        lines += [f"Fix: {rule.fix}"]
    return "\n".join(lines) + "\n"
