"""A service on the shared front door: a listener rule on its HTTPS listener, and the two security group rules that
let exactly its load balancer reach exactly this service's container port. The front door never knows its services."""

from __future__ import annotations

from dataclasses import dataclass

from troposphere import Equals, If, Not, NoValue, Or, Parameter, Ref, Split, Template, ec2
from troposphere import elasticloadbalancingv2 as elb

from ...config.patterns import CERTIFICATE_ARN
from ...config.service import ServiceConfig
from ...contract import PRODUCTION_WEIGHTS, TEST_WEIGHTS, FrontDoorImports
from ..blocks.load_balancers import priority_parameter
from ..blocks.parameters import add_optional_parameter, add_parameter_group
from ..blocks.security_groups import egress_to_group
from .deployment import add_test_priority_parameter, add_weight_parameters, header_condition, weighted_forward

HAS_HOST_HEADERS = "HasHostHeaders"
HAS_PATH_PATTERNS = "HasPathPatterns"
HAS_EXTRA_CERTIFICATE = "HasExtraCertificate"
FRONT_DOOR_GROUP = "Front door"
_FRONT_DOOR_PARAMETER_LABELS = ("Front-door stack name", "Role to read the front-door stack")
# Comma-separated values, each as the listener rule takes it (see config.patterns.HOST_HEADER / PATH_PATTERN).
_HOST = r"[A-Za-z0-9_.*?-]*\.[A-Za-z0-9]+"
_PATH = r"[/*?][A-Za-z0-9_.$/~\"'@:+&*?-]{0,127}"


@dataclass(frozen=True)
class FrontDoor:
    """The imported front door and the parameters that place this service's rule on it."""

    imports: FrontDoorImports
    host_headers: Parameter
    path_patterns: Parameter
    priority: Parameter
    extra_certificate: Parameter


def _add_list_parameter(
    template: Template, title: str, values: tuple[str, ...], item: str, description: str, condition: str
) -> Parameter:
    return add_optional_parameter(
        template,
        title,
        description,
        rf"^{item}(,{item})*$",
        "values separated by commas without spaces",
        condition,
        default=",".join(values),
    )


def add_front_door_parameters(template: Template, config: ServiceConfig) -> FrontDoor:
    routing = config.routing
    imports = FrontDoorImports(template, routing.front_door_stack, config.references)
    host_headers = _add_list_parameter(
        template,
        "HostHeaders",
        routing.hosts,
        _HOST,
        "Host names this service answers, comma-separated (for example api.example.com); empty for any host",
        HAS_HOST_HEADERS,
    )
    path_patterns = _add_list_parameter(
        template,
        "PathPatterns",
        routing.paths,
        _PATH,
        "URL path patterns this service answers, comma-separated (for example /api/*); empty for any path",
        HAS_PATH_PATTERNS,
    )
    priority = template.add_parameter(
        priority_parameter(
            "ListenerRulePriority",
            routing.priority,
            "Priority of this service's rule on the shared listener: unique per listener, lower is evaluated first, "
            "so give more specific hosts and paths lower numbers",
        )
    )
    extra_certificate = add_optional_parameter(
        template,
        "ExtraCertificateArn",
        "ACM certificate for this service's host names, added to the shared listener (SNI); empty when the front "
        "door's default certificate covers them",
        CERTIFICATE_ARN.pattern,
        "an ACM certificate ARN",
        HAS_EXTRA_CERTIFICATE,
        default=config.load_balancer.certificate_arn or "",
    )
    # A rule with neither condition would match every request: the front door's 404 would never answer again.
    template.add_rule(
        "HostOrPathGiven",
        {
            "Assertions": [
                {
                    "Assert": Or(
                        Not(Equals(Ref(host_headers), "")),
                        Not(Equals(Ref(path_patterns), "")),
                    ),
                    "AssertDescription": "Give HostHeaders, PathPatterns or both: a rule matching every request would "
                    "take the whole front door",
                }
            ]
        },
    )
    add_parameter_group(
        template,
        FRONT_DOOR_GROUP,
        {
            **dict(zip(imports.parameter_titles, _FRONT_DOOR_PARAMETER_LABELS, strict=False)),
            host_headers.title: "Host headers",
            path_patterns.title: "Path patterns",
            priority.title: "Listener rule priority",
            extra_certificate.title: "Extra certificate ARN",
        },
    )
    return FrontDoor(imports, host_headers, path_patterns, priority, extra_certificate)


def add_front_door_egress(
    template: Template, config: ServiceConfig, front_door: FrontDoor, task_security_group: ec2.SecurityGroup
) -> ec2.SecurityGroupEgress:
    """The front door's group may reach this service's container port, and nothing more: owned by this stack, so it
    goes when the service goes."""
    return template.add_resource(
        egress_to_group(
            "FrontDoorToTasksEgress",
            front_door.imports.security_group_id,
            config.container.port,
            task_security_group,
            f"Traffic and health checks to {config.name}'s container port",
        )
    )


def add_listener_rule(
    template: Template,
    front_door: FrontDoor,
    target_group: elb.TargetGroup,
    alternate: elb.TargetGroup | None = None,
) -> elb.ListenerRule:
    """The service's rule; with an ``alternate`` target group it is also the production rule ECS shifts traffic
    with."""
    template.add_resource(
        elb.ListenerCertificate(
            "ExtraCertificate",
            Condition=HAS_EXTRA_CERTIFICATE,
            ListenerArn=front_door.imports.https_listener_arn,
            Certificates=[elb.Certificate(CertificateArn=Ref(front_door.extra_certificate))],
        )
    )
    actions = (
        [elb.ListenerRuleAction(Type="forward", TargetGroupArn=Ref(target_group))]
        if alternate is None
        else weighted_forward(
            target_group, alternate, add_weight_parameters(template, PRODUCTION_WEIGHTS, "ListenerRule")
        )
    )
    return template.add_resource(
        elb.ListenerRule(
            "ListenerRule",
            ListenerArn=front_door.imports.https_listener_arn,
            Priority=Ref(front_door.priority),
            Conditions=routing_conditions(front_door),
            Actions=actions,
        )
    )


def add_test_listener_rule(
    template: Template,
    config: ServiceConfig,
    front_door: FrontDoor,
    primary: elb.TargetGroup,
    alternate: elb.TargetGroup,
) -> elb.ListenerRule:
    """The service's hosts and paths with the test header, evaluated before its production rule."""
    priority = add_test_priority_parameter(template, config)
    add_parameter_group(template, FRONT_DOOR_GROUP, {priority.title: "Test listener rule priority"})
    return template.add_resource(
        elb.ListenerRule(
            "TestListenerRule",
            ListenerArn=front_door.imports.https_listener_arn,
            Priority=Ref(priority),
            Conditions=[*routing_conditions(front_door), header_condition(config)],
            Actions=weighted_forward(
                primary, alternate, add_weight_parameters(template, TEST_WEIGHTS, "TestListenerRule")
            ),
        )
    )


def routing_conditions(front_door: FrontDoor) -> list[If]:
    return [
        If(
            HAS_HOST_HEADERS,
            elb.Condition(
                Field="host-header",
                HostHeaderConfig=elb.HostHeaderConfig(Values=Split(",", Ref(front_door.host_headers))),
            ),
            NoValue,
        ),
        If(
            HAS_PATH_PATTERNS,
            elb.Condition(
                Field="path-pattern",
                PathPatternConfig=elb.PathPatternConfig(Values=Split(",", Ref(front_door.path_patterns))),
            ),
            NoValue,
        ),
    ]
