"""AWS Batch on Fargate: a job definition with ``PlatformCapabilities: [FARGATE]`` runs its container in the subnets and
security groups of a Fargate compute environment (``ComputeResources.Type`` FARGATE or FARGATE_SPOT), which a job
queue joins to it; whether the job's tasks get a public IP is the job definition's (``NetworkConfiguration.
AssignPublicIp``, default DISABLED).

https://docs.aws.amazon.com/batch/latest/userguide/fargate-compute-environments.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-batch-jobdefinition-networkconfiguration.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-batch-jobqueue-computeenvironmentorder.html

A job can be submitted to any queue, so a Fargate job definition is checked with the Fargate compute environments of
the job queues in the given templates (with no job queue given, every Fargate compute environment given). A compute
environment no given job definition runs in is checked on its own, its AssignPublicIp unread; a job definition with no
compute environment given has unread subnets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from .resolve import Resolver
from .values import Located, ResourceRef, Unknown, literals
from .workloads import BATCH_COMPUTE, BATCH_JOB, Origin, Workload

COMPUTE_ENVIRONMENT = "AWS::Batch::ComputeEnvironment"
JOB_QUEUE = "AWS::Batch::JobQueue"
JOB_DEFINITION = "AWS::Batch::JobDefinition"
FARGATE_TYPES = frozenset({"fargate", "fargate_spot"})
AWSVPC = ("NetworkConfiguration", "AwsvpcConfiguration")
_NO_ENVIRONMENT = "the subnets of the Fargate compute environment it runs in, none of which is in the given templates"


def _fargate_environments(resolver: Resolver) -> list[ResourceRef]:
    found = []
    for environment in resolver.of_type(COMPUTE_ENVIRONMENT):
        compute = resolver.properties(environment).get("ComputeResources")
        kinds = literals(
            resolver.scalar(environment.template, compute.get("Type") if isinstance(compute, dict) else None)
        )
        if kinds and kinds <= FARGATE_TYPES:
            found.append(environment)
    return found


def _queued(resolver: Resolver, environments: list[ResourceRef]) -> list[ResourceRef]:
    """The Fargate compute environments the given job queues use; all of them when no job queue is given."""
    queues = list(resolver.of_type(JOB_QUEUE))
    if not queues:
        return environments
    used = [
        value
        for queue in queues
        for _, entry in resolver.mappings(queue.template, resolver.properties(queue).get("ComputeEnvironmentOrder"))
        for value in resolver.scalar(queue.template, entry.get("ComputeEnvironment"))
    ]
    return [environment for environment in environments if environment in used]


def _tasks(resolver: Resolver, job: ResourceRef) -> Iterator[tuple[tuple[str | int, ...], dict, list[dict]]]:
    """(path, task properties, containers) of a Fargate job definition: its ContainerProperties (the container named
    after the job definition) or each of its EcsProperties.TaskProperties."""
    properties = resolver.properties(job)
    capabilities = literals(resolver.items(job.template, properties.get("PlatformCapabilities")))
    if "fargate" not in capabilities:
        return
    for container in resolver.objects(job.template, properties.get("ContainerProperties")):
        yield ("ContainerProperties",), container, [{"Name": job.logical_id, **container}]
    for ecs in resolver.objects(job.template, properties.get("EcsProperties")):
        for position, task in resolver.mappings(job.template, ecs.get("TaskProperties")):
            containers = [c for _, c in resolver.mappings(job.template, task.get("Containers"))]
            yield ("EcsProperties", "TaskProperties", position), task, containers


def batch_launchers(resolver: Resolver) -> list[Workload]:
    environments = _fargate_environments(resolver)
    queued = _queued(resolver, environments)
    found: list[Workload] = []
    for job in resolver.of_type(JOB_DEFINITION):
        for path, task, containers in _tasks(resolver, job):
            job_task = _JobTask(job, path, task, containers)
            found.extend(job_task.workload(resolver, environment) for environment in queued or [None])
    running = {origin.ref for workload in found for origin in workload.origins}
    found.extend(_environment_workload(resolver, e) for e in environments if e not in running)
    return found


class _JobTask(NamedTuple):
    job: ResourceRef
    path: tuple[str | int, ...]
    task: dict
    containers: list[dict]

    def workload(self, resolver: Resolver, environment: ResourceRef | None) -> Workload:
        """The job's tasks in the compute environment (None: none given, so its subnets are unread)."""
        network = self.task.get("NetworkConfiguration")
        configuration: dict[str, Any] = {}
        if isinstance(network, dict) and "AssignPublicIp" in network:
            configuration["AssignPublicIp"] = Located(self.job.template, network["AssignPublicIp"])
        origins = [Origin(AWSVPC, self.job, (*self.path, "NetworkConfiguration"))]
        if environment is None:
            reason = (
                "the subnets of the Fargate compute environment it runs in, none of which is in the given templates"
            )
            configuration["Subnets"] = [Unknown(reason, unread=True)]
        else:
            configuration.update(_environment_network(resolver, environment))
            origins += _environment_origins(environment)
        parameters: dict[str, Any] = {"NetworkConfiguration": {AWSVPC[1]: configuration}, "LaunchType": "FARGATE"}
        if "EnableExecuteCommand" in self.task:
            parameters["EnableExecuteCommand"] = Located(self.job.template, self.task["EnableExecuteCommand"])
        inline = tuple((self.job.template, container) for container in self.containers)
        return Workload(
            self.job, BATCH_JOB, self.path, parameters, "", origins=tuple(origins), inline_containers=inline
        )


def _environment_network(resolver: Resolver, environment: ResourceRef) -> dict[str, Any]:
    # A dict: _fargate_environments kept only environments whose ComputeResources has a Fargate Type.
    compute = resolver.properties(environment)["ComputeResources"]
    return {
        "Subnets": Located(environment.template, compute.get("Subnets")),
        "SecurityGroups": Located(environment.template, compute.get("SecurityGroupIds")),
    }


def _environment_origins(environment: ResourceRef) -> list[Origin]:
    return [
        Origin((*AWSVPC, "Subnets"), environment, ("ComputeResources", "Subnets")),
        Origin((*AWSVPC, "SecurityGroups"), environment, ("ComputeResources", "SecurityGroupIds")),
    ]


def _environment_workload(resolver: Resolver, environment: ResourceRef) -> Workload:
    reason = "the AssignPublicIp of the job definitions that run here, none of which is in the given templates"
    configuration = {**_environment_network(resolver, environment), "AssignPublicIp": Unknown(reason, unread=True)}
    parameters = {"NetworkConfiguration": {AWSVPC[1]: configuration}, "LaunchType": "FARGATE"}
    origins = (*_environment_origins(environment), Origin(AWSVPC, environment, ("ComputeResources",)))
    path = ("ComputeResources",)
    return Workload(environment, BATCH_COMPUTE, path, parameters, "", origins=origins, inline_containers=())
