"""Bad service configs fail at construction with ConfigError naming the field (both, for combinations)."""

from __future__ import annotations

import dataclasses

import pytest

from fargate_private_templates.errors import ConfigError
from fargate_private_templates.service_config import FARGATE_MEMORY, ServiceConfig

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC123"


@pytest.mark.parametrize(
    ("kwargs", "starts", "mentions"),
    [
        ({"cpu": 256, "memory": 4096}, "memory: 4096", "allowed memory (MiB): 512, 1024, 2048"),
        ({"cpu": 300}, "cpu: 300", "256, 512, 1024"),
        ({"cpu": 8192, "memory": 18432}, "memory: 18432", "16384, 20480"),
        ({"cpu": 16384, "memory": 36864}, "memory: 36864", "32768, 40960, 49152"),
        ({"container_port": 0}, "container_port: 0", "1 to 65535"),
        ({"container_port": 70000}, "container_port: 70000", "1 to 65535"),
        ({"certificate_arn": ""}, "certificate_arn: ''", "ACM certificate ARN"),
        ({"certificate_arn": "my-cert"}, "certificate_arn: 'my-cert'", "ACM certificate ARN"),
        (
            {
                "load_balancer": "nlb",
                "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/"
                "12345678-1234-1234-1234-123456789012",
            },
            "certificate_arn: given",
            "'tcp' takes no certificate",
        ),
        ({"min_capacity": 5, "max_capacity": 3}, "min_capacity, max_capacity:", "above"),
        ({"desired_count": 9}, "desired_count: 9", "min_capacity 2 to max_capacity 4"),
        ({"secrets": {"DB": "password123"}}, "secrets: 'DB'", "not a Secrets Manager or SSM Parameter Store ARN"),
        ({"listener_protocol": "tls"}, "listener_protocol: 'tls'", "load_balancer 'alb'; allowed: https"),
        ({"load_balancer": "nlb", "listener_protocol": "https"}, "listener_protocol: 'https'", "tcp, tls"),
        ({"load_balancer": "gwlb"}, "load_balancer: 'gwlb'", "'alb', 'nlb'"),
        ({"health_check_protocol": "tcp"}, "health_check_protocol: 'tcp'", "load_balancer 'alb'"),
        ({"listener_port": 80}, "listener_port: 80", "redirect"),
        ({"image_source": "dockerhub"}, "image_source: 'dockerhub'", "'ecr', 'ecr_cross_account', 'third_party'"),
        ({"image_source": "ecr_cross_account"}, "registry_account_id: required", "ecr_cross_account"),
        (
            {"image_source": "ecr_cross_account", "registry_account_id": "12345"},
            "registry_account_id: '12345'",
            "12-digit",
        ),
        ({"registry_account_id": "123456789012"}, "registry_account_id: only used", "'ecr'"),
        ({"registry_credentials_secret_arn": SECRET}, "registry_credentials_secret_arn: only used", "third_party"),
        (
            {
                "image_source": "third_party",
                "registry_credentials_secret_arn": "arn:aws:ssm:us-east-1:123456789012:parameter/x",
            },
            "registry_credentials_secret_arn:",
            "Secrets Manager secret ARN",
        ),
        ({"environment": {"AWS_SECRET_ACCESS_KEY": "x"}}, "environment: 'AWS_SECRET_ACCESS_KEY'", "secrets instead"),
        ({"environment": {"1BAD": "x"}}, "environment: '1BAD'", "letters, digits and _"),
        ({"environment": {"DB": "x"}, "secrets": {"DB": SECRET}}, "environment, secrets:", "['DB']"),
        ({"target_requests_per_target": 100, "load_balancer": "nlb"}, "target_requests_per_target:", "needs an ALB"),
        ({"target_cpu_utilization": 95}, "target_cpu_utilization: 95", "10 to 90"),
        ({"log_retention_days": 0}, "log_retention_days: 0", "allowed days"),
        ({"platform_version": "1.3.0"}, "platform_version: '1.3.0'", "'1.4.0', 'LATEST'"),
        ({"name": "My App"}, "name: 'My App'", "lowercase"),
        ({"health_check_path": "health"}, "health_check_path: 'health'", "starting with /"),
        ({"repository_name": "App"}, "repository_name: 'App'", "lowercase"),
        ({"egress_ports": ()}, "egress_ports: ()", "at least one port"),
        ({"readonly_root_filesystem": "yes"}, "readonly_root_filesystem: 'yes'", "true or false"),
        ({"egress_ports": (5432,)}, "egress_ports: (5432,) lacks 443", "image registry"),
        ({"image_source": "third_party", "image_uri": "nginx:1.27"}, "image_uri: 'nginx:1.27'", "host/path:tag"),
        ({"image_source": "third_party", "image_uri": "docker.io/library/nginx"}, "image_uri:", "host/path:tag"),
        (
            {"image_source": "third_party", "registry_credentials_secret_arn": SECRET + ":password::"},
            "registry_credentials_secret_arn:",
            "a whole Secrets Manager secret ARN",
        ),
        ({"image_source": "pull_through_cache", "cache_prefix": "a" * 31}, "cache_prefix: 'aaaa", "2-30"),
        ({"cache_prewarmed": True}, "cache_prewarmed: only used", "pull_through_cache"),
    ],
)
def test_bad_values_name_the_field(kwargs: dict, starts: str, mentions: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ServiceConfig(**kwargs)
    assert str(caught.value).startswith(starts) and mentions in str(caught.value), str(caught.value)


@pytest.mark.parametrize("cpu", FARGATE_MEMORY)
def test_every_fargate_pair_is_accepted_and_only_those(cpu: int) -> None:
    for memory in FARGATE_MEMORY[cpu]:
        ServiceConfig(cpu=cpu, memory=memory)
    assert FARGATE_MEMORY[cpu][0] * 2 <= FARGATE_MEMORY[cpu][-1]
    with pytest.raises(ConfigError):
        ServiceConfig(cpu=cpu, memory=FARGATE_MEMORY[cpu][-1] + 1024)


def test_fargate_table_matches_the_documented_ranges() -> None:
    assert FARGATE_MEMORY[256] == (512, 1024, 2048)
    assert (FARGATE_MEMORY[4096][0], FARGATE_MEMORY[4096][-1], len(FARGATE_MEMORY[4096])) == (8192, 30720, 23)
    assert FARGATE_MEMORY[8192][1] - FARGATE_MEMORY[8192][0] == 4096 and FARGATE_MEMORY[8192][-1] == 61440
    assert FARGATE_MEMORY[16384][1] - FARGATE_MEMORY[16384][0] == 8192 and FARGATE_MEMORY[16384][-1] == 122880


def test_defaults_are_documented_and_derived_per_load_balancer() -> None:
    for field in dataclasses.fields(ServiceConfig):
        assert f"{field.name}:" in ServiceConfig.__doc__, f"{field.name} is not documented"
    alb, nlb = ServiceConfig(), ServiceConfig(load_balancer="nlb")
    assert (alb.listener_protocol, alb.listener_port, alb.health_check_protocol) == ("https", 443, "http")
    assert (nlb.listener_protocol, nlb.listener_port, nlb.health_check_protocol) == ("tcp", 80, "tcp")
    assert alb.readonly_root_filesystem is True and alb.enable_exec is False
