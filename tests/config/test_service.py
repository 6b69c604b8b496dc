"""Bad service configs fail at construction with ConfigError naming the field (both, for combinations)."""

from __future__ import annotations

import dataclasses
import re

import pytest
from conftest import KMS_KEY as KEY

from fargate_private_templates.config.service import GROUPS, ContainerOptions, ServiceConfig
from fargate_private_templates.config.sidecars import SidecarOptions
from fargate_private_templates.errors import ConfigError

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC123"


def _service(spec: dict) -> ServiceConfig:
    """A ServiceConfig from the shape of a config file: group names map to tables of their fields."""
    return ServiceConfig(
        **{
            key: GROUPS[key](**value) if isinstance(value, dict) and key in GROUPS else value
            for key, value in spec.items()
        }
    )


CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"


@pytest.mark.parametrize(
    ("spec", "starts", "mentions"),
    [
        ({"cpu": 256, "memory": 4096}, "memory: 4096", "allowed memory (MiB): 512, 1024, 2048"),
        ({"cpu": 300}, "cpu: 300", "256, 512, 1024"),
        ({"cpu": 8192, "memory": 18432}, "memory: 18432", "16384, 20480"),
        ({"cpu": 16384, "memory": 36864}, "memory: 36864", "32768, 40960, 49152"),
        ({"container": {"port": 0}}, "container.port: 0", "1 to 65535"),
        ({"container": {"port": 70000}}, "container.port: 70000", "1 to 65535"),
        ({"load_balancer": {"certificate_arn": ""}}, "load_balancer.certificate_arn: ''", "ACM certificate ARN"),
        ({"load_balancer": {"certificate_arn": "my-cert"}}, "load_balancer.certificate_arn: 'my-cert'", "ACM"),
        (
            {"load_balancer": {"kind": "nlb", "certificate_arn": CERTIFICATE}},
            "load_balancer.certificate_arn: given",
            "'tcp' takes no certificate",
        ),
        ({"scaling": {"min_capacity": 5, "max_capacity": 3}}, "scaling.min_capacity, scaling.max_capacity:", "above"),
        ({"scaling": {"desired_count": 9}}, "scaling.desired_count: 9", "min_capacity 2 to max_capacity 4"),
        ({"container": {"secrets": {"DB": "password123"}}}, "container.secrets: 'DB'", "neither a Secrets Manager"),
        (
            {"load_balancer": {"listener_protocol": "tls"}},
            "load_balancer.listener_protocol: 'tls'",
            "load_balancer.kind 'alb'; allowed: https",
        ),
        (
            {"load_balancer": {"kind": "nlb", "listener_protocol": "https"}},
            "load_balancer.listener_protocol: 'https'",
            "tcp, tls",
        ),
        ({"load_balancer": {"kind": "gwlb"}}, "load_balancer.kind: 'gwlb'", "'alb', 'nlb'"),
        ({"health_check": {"protocol": "tcp"}}, "health_check.protocol: 'tcp'", "load_balancer.kind 'alb'"),
        ({"health_check": {"protocol": "udp"}}, "health_check.protocol: 'udp'", "'http', 'tcp'"),
        ({"load_balancer": {"listener_port": 80}}, "load_balancer.listener_port: 80", "redirect"),
        ({"image": {"source": "dockerhub"}}, "image.source: 'dockerhub'", "'ecr', 'ecr_cross_account', 'third_party'"),
        ({"image": {"source": "ecr_cross_account"}}, "image.registry_account_id: required", "ecr_cross_account"),
        (
            {"image": {"source": "ecr_cross_account", "registry_account_id": "12345"}},
            "image.registry_account_id: '12345'",
            "12-digit",
        ),
        ({"image": {"registry_account_id": "123456789012"}}, "image.registry_account_id: only used", "'ecr'"),
        ({"image": {"credentials_secret_arn": SECRET}}, "image.credentials_secret_arn: only used", "third_party"),
        (
            {
                "image": {
                    "source": "third_party",
                    "credentials_secret_arn": "arn:aws:ssm:us-east-1:123456789012:parameter/x",
                }
            },
            "image.credentials_secret_arn:",
            "Secrets Manager secret ARN",
        ),
        (
            {"container": {"environment": {"AWS_SECRET_ACCESS_KEY": "x"}}},
            "container.environment: 'AWS_SECRET_ACCESS_KEY'",
            "secrets instead",
        ),
        ({"container": {"environment": {"1BAD": "x"}}}, "container.environment: '1BAD'", "letters, digits and _"),
        (
            {"container": {"environment": {"DB": "x"}, "secrets": {"DB": SECRET}}},
            "container.environment, container.secrets:",
            "['DB']",
        ),
        (
            {"scaling": {"target_requests_per_target": 100}, "load_balancer": {"kind": "nlb"}},
            "scaling.target_requests_per_target:",
            "needs an ALB, not load_balancer.kind 'nlb'",
        ),
        *(
            (
                {"scaling": {"target_requests_per_target": 100}, "deployment": {"strategy": strategy}},
                "scaling.target_requests_per_target, deployment.strategy: request-count scaling tracks one target "
                f"group, and a {strategy!r} deployment moves the traffic to the other one",
                "remove scaling.target_requests_per_target (CPU scaling stays) or use deployment.strategy 'rolling'",
            )
            for strategy in ("blue_green", "canary", "linear")
        ),
        ({"scaling": {"target_cpu_utilization": 95}}, "scaling.target_cpu_utilization: 95", "10 to 90"),
        ({"log_retention_days": 0}, "log_retention_days: 0", "allowed days"),
        ({"platform_version": "1.3.0"}, "platform_version: '1.3.0'", "'1.4.0', 'LATEST'"),
        ({"name": "My App"}, "name: 'My App'", "lowercase"),
        ({"health_check": {"path": "health"}}, "health_check.path: 'health'", "starting with /"),
        ({"image": {"repository": "App"}}, "image.repository: 'App'", "lowercase"),
        ({"egress_ports": ()}, "egress_ports: ()", "at least one port"),
        ({"egress_ports": (443, 0)}, "egress_ports: 0 is out of range", "allowed 1 to 65535"),
        (
            {"container": {"readonly_root_filesystem": "yes"}},
            "container.readonly_root_filesystem: 'yes'",
            "true or false",
        ),
        ({"egress_ports": (5432,)}, "egress_ports: (5432,) lacks 443", "image registry"),
        ({"image": {"source": "third_party", "uri": "nginx:1.27"}}, "image.uri: 'nginx:1.27'", "host/path:tag"),
        ({"image": {"source": "third_party", "uri": "docker.io/library/nginx"}}, "image.uri:", "host/path:tag"),
        (
            {"image": {"source": "third_party", "credentials_secret_arn": SECRET + ":password::"}},
            "image.credentials_secret_arn:",
            "a whole Secrets Manager secret ARN",
        ),
        (
            {"image": {"source": "pull_through_cache", "cache_prefix": "a" * 31}},
            "image.cache_prefix: 'aaaa",
            "2-30",
        ),
        ({"image": {"cache_prewarmed": True}}, "image.cache_prewarmed: only used", "pull_through_cache"),
        ({"container": {"environment": {"PORT": 8080}}}, "container.environment: ('PORT', 8080)", "string value"),
        ({"container": {"environment": "PORT=8080"}}, "container.environment: 'PORT=8080'", "mapping"),
        ({"health_check": {"interval": 4}}, "health_check.interval: 4", "5 to 300"),
        ({"health_check": {"interval": 301}}, "health_check.interval: 301", "5 to 300"),
        ({"scaling": {"max_capacity": 0}}, "scaling.max_capacity: 0", "1 to 1000"),
        ({"health_check": {"grace_period": -1}}, "health_check.grace_period: -1", "0 to 7200"),
        ({"load_balancer": {"deletion_protection": "no"}}, "load_balancer.deletion_protection: 'no'", "true or false"),
        ({"enable_exec": 1}, "enable_exec: 1", "true or false"),
        (
            {"enable_exec": True},
            "enable_exec, container.readonly_root_filesystem:",
            "ECS Exec needs a writable root filesystem",
        ),
        ({"name": "web\n"}, "name: 'web\\n'", "lowercase"),
        ({"image": {"tag": "1.0\n"}}, "image.tag: '1.0\\n'", "letters, digits"),
        (
            {"container": {"secrets": {"DB": SECRET + "\n"}}},
            "container.secrets: 'DB' =",
            "is neither a Secrets Manager or SSM Parameter Store ARN",
        ),
        ({"container": "app"}, "container: 'app'", "not a ContainerOptions"),
    ],
)
def test_bad_values_name_the_field(spec: dict, starts: str, mentions: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _service(spec)
    assert str(caught.value).startswith(starts) and mentions in str(caught.value), str(caught.value)


@pytest.mark.parametrize(
    "spec",
    [
        {"health_check": {"interval": 5}},
        {"health_check": {"interval": 300}},
        {"scaling": {"min_capacity": 0, "max_capacity": 1}},
        {"scaling": {"min_capacity": 1, "max_capacity": 1, "desired_count": 1}},
        {"health_check": {"grace_period": 0}},
        {"container": {"port": 1}},
        {"container": {"port": 65535}},
        {"scaling": {"target_cpu_utilization": 10}},
        {"scaling": {"target_cpu_utilization": 90}},
    ],
)
def test_bounds_are_accepted(spec: dict) -> None:
    service = _service(spec)
    for group, values in spec.items():
        for key, value in values.items():
            assert getattr(getattr(service, group), key) == value


@pytest.mark.parametrize("config_class", [ServiceConfig, *GROUPS.values(), SidecarOptions])
def test_every_field_has_a_documented_default(config_class: type) -> None:
    # Each attribute's entry runs from "name:" to the next attribute at the same indent.
    entries = dict(re.findall(r"^        (\w+): (.*?)(?=^        \w+: |\Z)", config_class.__doc__, re.S | re.M))
    for field in dataclasses.fields(config_class):
        assert field.name in entries, f"{config_class.__name__}.{field.name} is not documented"
        assert "default" in entries[field.name], f"{config_class.__name__}.{field.name} has no documented default"


def test_the_service_config_stays_small() -> None:
    # Grouped like CDK's props: new options go into a group, not onto the top level.
    assert len(dataclasses.fields(ServiceConfig)) <= 20


def test_secret_kinds_are_told_apart() -> None:
    parameter = "arn:aws:ssm:us-east-1:123456789012:parameter/app/flags"
    both = ContainerOptions(secrets={"DB": SECRET, "FLAGS": parameter})
    assert both.uses_secrets_manager and both.uses_ssm and both.secrets_by_name == []
    named = ContainerOptions(secrets={"DB": "secretsmanager:web/db", "FLAGS": "ssm:/app/flags"})
    assert named.uses_secrets_manager and named.uses_ssm and named.secrets_by_name == [("DB", "web/db")]
    assert not ContainerOptions(secrets={"FLAGS": "ssm:app/flags"}).uses_secrets_manager
    assert not ContainerOptions(secrets={"DB": "secretsmanager:db"}).uses_ssm


@pytest.mark.parametrize(
    ("source", "mentions"),
    [
        ("secretsmanager:", "container.secrets.DB: '' is not allowed; a Secrets Manager secret name"),
        ("secretsmanager:web db", "container.secrets.DB: 'web db' is not allowed"),
        ("secretsmanager:" + "a" * 513, "container.secrets.DB: 'aaaa"),
        ("ssm:", "container.secrets.DB: '' is not allowed; a Parameter Store name"),
        ("ssm:/aws/reference/x", "not beginning with aws or ssm"),
        ("ssm:SSM-flags", "not beginning with aws or ssm"),
        ("ssm:/app//flags", "container.secrets.DB: '/app//flags'"),
        ("ssm:/" + "/".join("l" * 16), "in up to 15 /-separated levels"),
        ("ssm:app flags", "container.secrets.DB: 'app flags'"),
    ],
)
def test_a_secret_named_by_a_bad_name_is_refused(source: str, mentions: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ContainerOptions(secrets={"DB": source})
    assert mentions in str(caught.value)


def test_named_secrets_accept_what_the_services_allow() -> None:
    for source in ("secretsmanager:web/db+x=y.z@w-1", "ssm:/app/flags", "ssm:app.flags", "ssm:/a_b/c-d/e.f"):
        assert ContainerOptions(secrets={"DB": source}).secrets == (("DB", source),)


def test_two_named_secrets_that_would_share_a_parameter_are_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        ServiceConfig(container=ContainerOptions(secrets={"DB_URL": "secretsmanager:a", "db_url": "secretsmanager:b"}))
    assert str(caught.value) == (
        "container.secrets: 'db_url' and container.secrets 'DB_URL' both become the template parameter "
        "DbUrlSecretArn; rename one variable"
    )
    sidecar = SidecarOptions(name="db", secrets={"URL": "secretsmanager:b"})
    with pytest.raises(ConfigError, match=r"^sidecars\[0\].secrets: 'URL' and container.secrets 'DB_URL' both"):
        ServiceConfig(container=ContainerOptions(secrets={"DB_URL": "secretsmanager:a"}), sidecars=(sidecar,))
    # By ARN or by Parameter Store name, no parameter is made: nothing can collide.
    ServiceConfig(container=ContainerOptions(secrets={"DB_URL": "ssm:a", "db_url": "ssm:b"}))


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:kms:eu-west-1:123456789012:alias/secrets",
        KEY + "\n",
        KEY.replace("1234abcd-", "1234abcd"),
        "*",
        "",
    ],
)
def test_a_value_that_is_not_a_key_arn_is_refused(value: str) -> None:
    with pytest.raises(ConfigError, match=r"^secrets_kms_key_arns: .* KMS key ARN"):
        ServiceConfig(secrets_kms_key_arns=(value,))


def test_service_config_keeps_at_most_twenty_top_level_fields() -> None:
    assert len(dataclasses.fields(ServiceConfig)) <= 20
    assert "secrets_kms_key_arns:" in ServiceConfig.__doc__


def test_a_bad_references_mode_names_the_key() -> None:
    with pytest.raises(ConfigError) as caught:
        ServiceConfig(name="web", references="bogus")
    assert str(caught.value) == "references: 'bogus' is not allowed; choose one of 'exports', 'stack_outputs'"


def test_a_secret_that_is_neither_an_arn_nor_a_name_says_both_ways_to_give_one() -> None:
    with pytest.raises(ConfigError) as caught:
        ServiceConfig(container=ContainerOptions(secrets={"DB": "password123"}))
    assert str(caught.value) == (
        "container.secrets: 'DB' = 'password123' is neither a Secrets Manager or SSM Parameter Store ARN "
        "(arn:aws:secretsmanager:...:secret:... or arn:aws:ssm:...:parameter/...) nor a name that deploys in any "
        "account and Region ('secretsmanager:<secret name>' or 'ssm:<parameter name>')"
    )


def test_egress_ports_without_443_are_refused_saying_what_needs_it() -> None:
    with pytest.raises(ConfigError) as raised:
        ServiceConfig(egress_ports=(5432,))
    assert str(raised.value) == (
        "egress_ports: (5432,) lacks 443, which the tasks need for the image registry, CloudWatch Logs and AWS APIs; "
        "add 443"
    )


def test_sidecars_given_as_a_list_are_kept_as_a_tuple() -> None:
    """A frozen config holds no list: the library's callers may pass one, as a TOML array reads."""
    sidecar = SidecarOptions(name="log")
    assert ServiceConfig(sidecars=[sidecar]).sidecars == (sidecar,)
