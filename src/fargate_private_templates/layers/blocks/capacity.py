"""The Fargate capacity providers every cluster the project creates offers: FARGATE everywhere, and FARGATE_SPOT in
the partitions where the availability table documents it, decided by the partition the stack is deployed in.

A capacity provider must be associated with a cluster before a service's strategy can name it ("A capacity provider
must be associated with a cluster before it can be ... used in a capacity provider strategy when calling the
CreateService or RunTask actions", ECS API reference, CreateCluster ``capacityProviders``:
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html). Offering both on every cluster
lets a Spot service run in any cluster the project made, whoever rendered it; a condition instead of a refusal
keeps the same template deployable where Fargate Spot is not documented.
"""

from __future__ import annotations

from typing import Final

from troposphere import AWSHelperFn, Equals, If, NoValue, Or, Ref, Template, ecs

from ...regions.availability import BY_KEY, YES
from ...regions.partitions import PARTITIONS

FARGATE: Final = "FARGATE"
FARGATE_SPOT: Final = "FARGATE_SPOT"
# True in the partitions whose row "fargate_spot" of regions/availability.py says yes.
FARGATE_SPOT_CONDITION: Final = "PartitionHasFargateSpot"


def spot_partitions() -> tuple[str, ...]:
    """The partitions (``aws``, ...) where Fargate Spot is documented, in the table's order."""
    status = BY_KEY["fargate_spot"].status
    return tuple(partition for partition in PARTITIONS if status[partition] == YES)


def add_fargate_spot_condition(template: Template) -> str | None:
    """The condition that offers FARGATE_SPOT (added once per template); None (and no condition) when no partition
    documents it."""
    if FARGATE_SPOT_CONDITION in template.conditions:
        return FARGATE_SPOT_CONDITION
    tests = [Equals(Ref("AWS::Partition"), partition) for partition in spot_partitions()]
    if not tests:
        return None
    template.add_condition(FARGATE_SPOT_CONDITION, tests[0] if len(tests) == 1 else Or(*tests))
    return FARGATE_SPOT_CONDITION


def fargate_capacity_providers(template: Template) -> list[str | AWSHelperFn]:
    """``CapacityProviders`` of a cluster: FARGATE, and FARGATE_SPOT under the partition condition."""
    condition = add_fargate_spot_condition(template)
    if condition is None:
        return [FARGATE]
    return [FARGATE, If(condition, FARGATE_SPOT, NoValue)]


def add_capacity_provider_associations(
    template: Template, cluster: ecs.Cluster
) -> ecs.ClusterCapacityProviderAssociations:
    """The network stack's association of the providers with its cluster (the logical ID the network has had since it
    first offered Spot). Tasks started without a strategy or a launch type stay on on-demand Fargate."""
    return template.add_resource(
        ecs.ClusterCapacityProviderAssociations(
            "ClusterCapacityProviders",
            Cluster=Ref(cluster),
            CapacityProviders=fargate_capacity_providers(template),
            DefaultCapacityProviderStrategy=[ecs.CapacityProviderStrategy(CapacityProvider=FARGATE, Weight=1)],
        )
    )


def offer_fargate_capacity(template: Template, cluster: ecs.Cluster) -> ecs.Cluster:
    """The providers on the cluster itself, for a cluster a service stack creates: the service then waits for the
    association through its reference to the cluster, which a conditional association resource could not give."""
    cluster.CapacityProviders = fargate_capacity_providers(template)
    cluster.DefaultCapacityProviderStrategy = [ecs.CapacityProviderStrategyItem(CapacityProvider=FARGATE, Weight=1)]
    return cluster
