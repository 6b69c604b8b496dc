"""What is live on the ECS and load balancer side: services with their network configuration and task definitions,
the running tasks' network interfaces (a public IP on any is an error), and load balancers with their listeners and
rules."""

from __future__ import annotations

from typing import Any

from .aws import Aws
from .live import LiveWorld, cluster_of, ecs_name


def _target_group(world: LiveWorld, arn: str) -> Any:
    """A target group, named by the ARN's resource part: what listeners, rules and services point at."""
    logical_id = arn.split(":", 5)[-1]
    if logical_id not in world.resources:
        world.add(logical_id, "AWS::ElasticLoadBalancingV2::TargetGroup", TargetType="ip")
    return {"Ref": logical_id}


def read_services(aws: Aws, world: LiveWorld, service_arns: list[str]) -> tuple[set[str], set[str]]:
    """The services and their task definitions; returns the subnets and security groups they name."""
    ecs = aws.client("ecs")
    subnets: set[str] = set()
    groups: set[str] = set()
    by_cluster: dict[str, list[str]] = {}
    for arn in service_arns:
        by_cluster.setdefault(cluster_of(arn), []).append(arn)
    for cluster, arns in sorted(by_cluster.items()):
        for service in ecs.describe_services(cluster=cluster, services=arns)["services"]:
            configuration = service.get("networkConfiguration", {}).get("awsvpcConfiguration", {})
            subnets.update(configuration.get("subnets", []))
            groups.update(configuration.get("securityGroups", []))
            _read_task_definition(aws, world, service["taskDefinition"])
            properties: dict[str, Any] = {
                "Cluster": cluster,
                "TaskDefinition": {"Ref": service["taskDefinition"]},
                "LoadBalancers": [
                    {
                        "TargetGroupArn": _target_group(world, lb["targetGroupArn"]),
                        "ContainerName": lb.get("containerName"),
                        "ContainerPort": lb.get("containerPort"),
                    }
                    for lb in service.get("loadBalancers", [])
                    if lb.get("targetGroupArn")
                ],
            }
            if "launchType" in service:
                properties["LaunchType"] = service["launchType"]
            if "deploymentController" in service:
                properties["DeploymentController"] = {"Type": service["deploymentController"].get("type", "ECS")}
            if configuration:
                properties["NetworkConfiguration"] = {
                    "AwsvpcConfiguration": {
                        "Subnets": configuration.get("subnets", []),
                        "SecurityGroups": configuration.get("securityGroups", []),
                        **(
                            {"AssignPublicIp": configuration["assignPublicIp"]}
                            if "assignPublicIp" in configuration
                            else {}
                        ),
                    }
                }
            world.add(f"service/{ecs_name(service['serviceArn'])}", "AWS::ECS::Service", **properties)
            _read_tasks(aws, world, cluster, service["serviceName"])
    return subnets, groups


def link_service_networks(world: LiveWorld) -> None:
    """Subnets and groups as Refs, once they are read."""
    for body in world.resources.values():
        if body["Type"] != "AWS::ECS::Service":
            continue
        configuration = body["Properties"].get("NetworkConfiguration", {}).get("AwsvpcConfiguration")
        if configuration:
            configuration["Subnets"] = [world.ref(s) for s in configuration["Subnets"]]
            configuration["SecurityGroups"] = [world.ref(g) for g in configuration["SecurityGroups"]]


def _read_task_definition(aws: Aws, world: LiveWorld, arn: str) -> None:
    if arn in world.resources:
        return
    definition = aws.client("ecs").describe_task_definition(taskDefinition=arn)["taskDefinition"]
    containers = []
    for container in definition.get("containerDefinitions", []):
        entry: dict[str, Any] = {"Name": container.get("name"), "Image": container.get("image")}
        credentials = container.get("repositoryCredentials", {}).get("credentialsParameter")
        if credentials:
            entry["RepositoryCredentials"] = {"CredentialsParameter": credentials}
        containers.append(entry)
    properties: dict[str, Any] = {"ContainerDefinitions": containers}
    if definition.get("networkMode"):
        properties["NetworkMode"] = definition["networkMode"]
    if definition.get("requiresCompatibilities"):
        properties["RequiresCompatibilities"] = definition["requiresCompatibilities"]
    world.add(arn, "AWS::ECS::TaskDefinition", **properties)


def _read_tasks(aws: Aws, world: LiveWorld, cluster: str, service: str) -> None:
    """Running tasks' network interfaces; one with a public IP is recorded (an error, whatever the templates say)."""
    ecs = aws.client("ecs")
    task_arns = ecs.list_tasks(cluster=cluster, serviceName=service)["taskArns"]
    if not task_arns:
        return
    interfaces: dict[str, str] = {}
    for task in ecs.describe_tasks(cluster=cluster, tasks=task_arns)["tasks"]:
        for attachment in task.get("attachments", []):
            for detail in attachment.get("details", []):
                if detail.get("name") == "networkInterfaceId":
                    interfaces[detail["value"]] = task["taskArn"]
    if not interfaces:
        return
    found = aws.client("ec2").describe_network_interfaces(NetworkInterfaceIds=sorted(interfaces))["NetworkInterfaces"]
    for interface in found:
        public_ip = interface.get("Association", {}).get("PublicIp")
        task = interfaces[interface["NetworkInterfaceId"]]
        entry = (task, interface["NetworkInterfaceId"], public_ip)
        if public_ip and entry not in world.public_tasks:
            world.public_tasks.append(entry)


def read_load_balancers(aws: Aws, world: LiveWorld, arns: list[str]) -> tuple[set[str], set[str]]:
    """Load balancers, their listeners and rules; returns the subnets and security groups they name."""
    if not arns:
        return set(), set()
    elb = aws.client("elbv2")
    subnets: set[str] = set()
    groups: set[str] = set()
    for balancer in elb.describe_load_balancers(LoadBalancerArns=arns)["LoadBalancers"]:
        logical_id = balancer["LoadBalancerArn"].split(":", 5)[-1]
        zones = [z["SubnetId"] for z in balancer.get("AvailabilityZones", []) if z.get("SubnetId")]
        subnets.update(zones)
        groups.update(balancer.get("SecurityGroups", []))
        world.add(
            logical_id,
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            Type=balancer.get("Type", "application"),
            Scheme=balancer.get("Scheme", "internet-facing"),
            Subnets=zones,
            SecurityGroups=balancer.get("SecurityGroups", []),
        )
        for listener in elb.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]:
            listener_id = listener["ListenerArn"].split(":", 5)[-1]
            world.add(
                listener_id,
                "AWS::ElasticLoadBalancingV2::Listener",
                LoadBalancerArn={"Ref": logical_id},
                Port=listener.get("Port"),
                Protocol=listener.get("Protocol"),
                DefaultActions=_actions(world, listener.get("DefaultActions", [])),
            )
            for rule in elb.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]:
                if rule.get("IsDefault"):
                    continue
                world.add(
                    rule["RuleArn"].split(":", 5)[-1],
                    "AWS::ElasticLoadBalancingV2::ListenerRule",
                    ListenerArn={"Ref": listener_id},
                    Priority=int(rule["Priority"]),
                    Conditions=rule.get("Conditions", []),
                    Actions=_actions(world, rule.get("Actions", [])),
                )
    return subnets, groups


def link_load_balancer_networks(world: LiveWorld) -> None:
    for body in world.resources.values():
        if body["Type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer":
            body["Properties"]["Subnets"] = [world.ref(s) for s in body["Properties"]["Subnets"]]
            body["Properties"]["SecurityGroups"] = [world.ref(g) for g in body["Properties"]["SecurityGroups"]]


def _actions(world: LiveWorld, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Listener actions as CloudFormation spells them, target groups as Refs. What ECS changes on purpose during a
    rollout (the forward weights) is kept as it is and never compared."""
    converted = []
    for action in actions:
        entry: dict[str, Any] = {"Type": action.get("Type")}
        if action.get("TargetGroupArn"):
            entry["TargetGroupArn"] = _target_group(world, action["TargetGroupArn"])
        groups = action.get("ForwardConfig", {}).get("TargetGroups", [])
        if groups:
            entry["ForwardConfig"] = {
                "TargetGroups": [
                    {"TargetGroupArn": _target_group(world, g["TargetGroupArn"]), "Weight": g.get("Weight")}
                    for g in groups
                ]
            }
        converted.append(entry)
    return converted
