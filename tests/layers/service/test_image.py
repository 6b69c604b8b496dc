"""The container image as parameters, registry credentials, and what the execution role may pull."""

from __future__ import annotations

import pytest
from conftest import VARIANT_CREDENTIALS as CREDENTIALS
from conftest import catalogue_dict, resources_of_type
from conftest import one as _one
from conftest import policy_statements as _statements
from conftest import service_dict as service
from conftest import service_variant as _build
from conftest import service_with as _service

from fargate_private_templates.catalogue import CATALOGUE
from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.config.sidecars import SidecarOptions
from fargate_private_templates.layers.service import build_service
from fargate_private_templates.render import ordered_dict


def test_cross_account_image_and_pull_permission_name_the_registry_account() -> None:
    template = _build("cross-account")
    container = _one(template, "AWS::ECS::TaskDefinition")["ContainerDefinitions"][0]
    assert container["Image"] == {
        "Fn::Sub": "${RegistryAccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/${RepositoryName}:${ImageTag}"
    }
    by_sid = {s["Sid"]: s for s in _statements(template["Resources"]["ExecutionRole"]["Properties"])}
    assert by_sid["PullImage"]["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${RegistryAccountId}:repository/${RepositoryName}"}
    ]
    assert template["Parameters"]["RegistryAccountId"]["Default"] == "210987654321"


@pytest.mark.parametrize("variant", ["third-party", "third-party-credentials"])
def test_registry_credentials_exactly_when_a_secret_is_given(variant: str) -> None:
    template = _build(variant)
    container = _one(template, "AWS::ECS::TaskDefinition")["ContainerDefinitions"][0]
    assert container["Image"] == {"Ref": "ImageUri"}
    condition = template["Conditions"]["HasRegistryCredentials"]
    assert condition == {"Fn::Not": [{"Fn::Equals": [{"Ref": "RegistryCredentialsSecretArn"}, ""]}]}
    assert container["RepositoryCredentials"] == {
        "Fn::If": [
            "HasRegistryCredentials",
            {"CredentialsParameter": {"Ref": "RegistryCredentialsSecretArn"}},
            {"Ref": "AWS::NoValue"},
        ]
    }
    role = template["Resources"]["ExecutionRole"]["Properties"]
    conditional = [p["Fn::If"] for p in role["Policies"] if "Fn::If" in p]
    assert [c[0] for c in conditional] == ["HasRegistryCredentials"]
    assert conditional[0][1]["PolicyDocument"]["Statement"][0]["Resource"] == [
        {"Ref": "RegistryCredentialsSecretArn"},
        {"Fn::Sub": "${RegistryCredentialsSecretArn}-??????"},
    ]
    assert not [s for s in _statements(role) if s["Action"][0].startswith("ecr:")], "no ECR rights for a third party"
    default = template["Parameters"]["RegistryCredentialsSecretArn"]["Default"]
    assert default == ("" if variant == "third-party" else CREDENTIALS)


def test_ecr_images_have_no_registry_credentials() -> None:
    for variant in ("alb", "nlb-tcp", "cross-account"):
        template = _build(variant)
        container = _one(template, "AWS::ECS::TaskDefinition")["ContainerDefinitions"][0]
        assert "RepositoryCredentials" not in container
        assert "HasRegistryCredentials" not in template["Conditions"]


SERVICE_FILES = [e.filename for e in CATALOGUE if e.filename.startswith("service-")]


@pytest.mark.parametrize("filename", SERVICE_FILES)
def test_catalogue_image_tags_have_no_default(filename: str) -> None:
    tags = {k: v for k, v in catalogue_dict(filename)["Parameters"].items() if k.endswith("ImageTag")}
    assert tags and all("Default" not in spec for spec in tags.values()), tags


def test_image_and_sidecar_tags_default_only_when_configured() -> None:
    config = ServiceConfig(
        image=ImageOptions(tag="2.4.1"), sidecars=(SidecarOptions(name="log-router"), SidecarOptions(name="proxy"))
    )
    parameters = service(config)["Parameters"]
    assert parameters["ImageTag"]["Default"] == "2.4.1"
    assert "Default" not in parameters["LogRouterImageTag"] and "Default" not in parameters["ProxyImageTag"]
    assert ImageOptions().tag is None


def test_pull_through_cache_image_and_permissions() -> None:
    template = ordered_dict(
        build_service(ServiceConfig(image=ImageOptions(source="pull_through_cache", repository="library/nginx")))
    )
    (task,) = resources_of_type(template, "AWS::ECS::TaskDefinition").values()
    assert task["Properties"]["ContainerDefinitions"][0]["Image"] == {
        "Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/${PullThroughCachePrefix}/"
        "${RepositoryName}:${ImageTag}"
    }
    assert template["Parameters"]["PullThroughCachePrefix"]["Default"] == "docker-hub"
    prefix = template["Parameters"]["PullThroughCachePrefix"]
    cache_prefix = catalogue_dict("registry-pull-through-cache.yaml")["Parameters"]["EcrRepositoryPrefix"]
    bounds = ("AllowedPattern", "MinLength", "MaxLength")
    assert [prefix[k] for k in bounds] == [cache_prefix[k] for k in bounds], "both stacks accept the same prefixes"
    assert template["Parameters"]["RepositoryName"]["Default"] == "library/nginx"
    statements = template["Resources"]["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    pull = next(s for s in statements if s["Sid"] == "PullImage")
    assert pull["Action"] == [
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
        "ecr:BatchImportUpstreamImage",
        "ecr:CreateRepository",
    ]
    assert pull["Resource"] == [
        {
            "Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/"
            "${PullThroughCachePrefix}/${RepositoryName}"
        }
    ]


def test_third_party_sidecar_gets_its_own_credentials_parameter_and_condition() -> None:
    sidecar = SidecarOptions(name="proxy", image=ImageOptions(source="third_party", uri="ghcr.io/o/p:1"))
    template = _service(sidecars=(sidecar,))
    assert "ProxyRegistryCredentialsSecretArn" in template["Parameters"]
    assert "ProxyHasRegistryCredentials" in template["Conditions"]
    policies = template["Resources"]["ExecutionRole"]["Properties"]["Policies"]
    assert policies[1]["Fn::If"][0] == "ProxyHasRegistryCredentials"
    assert policies[1]["Fn::If"][1]["PolicyName"] == "read-proxy-registry-credentials"
