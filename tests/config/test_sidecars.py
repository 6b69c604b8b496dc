"""The task's other containers."""

from __future__ import annotations

import pytest

from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.config.sidecars import SidecarOptions
from fargate_private_templates.errors import ConfigError


def test_start_before_app_error_names_the_field() -> None:
    with pytest.raises(ConfigError) as caught:
        SidecarOptions(name="log-router", start_before_app="HEALTHY")
    assert str(caught.value) == (
        "start_before_app: 'HEALTHY' is not allowed; choose one of 'START', 'COMPLETE', 'SUCCESS'"
    )


def test_environment_is_kept_as_name_value_pairs_in_the_given_order() -> None:
    sidecar = SidecarOptions(name="log-router", environment={"LOG_LEVEL": "debug", "FLUSH": "5"})
    assert sidecar.environment == (("LOG_LEVEL", "debug"), ("FLUSH", "5"))


def test_a_dependency_on_a_badly_named_container_is_refused_in_words() -> None:
    with pytest.raises(ConfigError) as caught:
        SidecarOptions(name="log-router", depends_on={"Log_Router": "START"})
    assert str(caught.value) == (
        "depends_on: 'Log_Router' is not allowed; container names: lowercase letters, digits and hyphens"
    )


def test_an_image_that_is_not_image_options_and_credentials_in_the_environment_are_refused_in_words() -> None:
    with pytest.raises(ConfigError) as caught:
        SidecarOptions(name="log-router", image="nginx")  # type: ignore[arg-type]
    assert str(caught.value) == "image: 'nginx' is not an ImageOptions"
    with pytest.raises(ConfigError) as caught:
        SidecarOptions(name="log-router", environment={"AWS_SECRET_ACCESS_KEY": "k"})
    assert str(caught.value) == "environment: 'AWS_SECRET_ACCESS_KEY' carries credentials; pass it in secrets instead"


@pytest.mark.parametrize(
    ("sidecar", "message"),
    [
        (
            SidecarOptions(name="log", cpu=256),
            "sidecars: the sidecars reserve 256 CPU units, leaving nothing of the task's cpu 256 for the main "
            "container 'app'; raise cpu (a Fargate task size) or lower the sidecars' cpu",
        ),
        (
            SidecarOptions(name="log", memory=512),
            "sidecars: the sidecars reserve 512 MiB of memory, leaving nothing of the task's memory 512 for the main "
            "container 'app'; raise memory (a Fargate task size) or lower the sidecars' memory",
        ),
    ],
)
def test_sidecars_that_leave_the_main_container_nothing_are_refused_naming_the_setting(
    sidecar: SidecarOptions, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        ServiceConfig(sidecars=(sidecar,))
    assert str(caught.value) == message


def test_a_command_that_is_not_a_list_of_strings_is_refused_naming_the_field() -> None:
    with pytest.raises(ConfigError) as caught:
        SidecarOptions(name="log", command="run")
    assert str(caught.value) == "command: 'run' is not a list of strings"


def test_a_task_holds_nine_sidecars_beside_the_main_container_and_no_more() -> None:
    """ECS quota: at most 10 containers per task definition; the main container is one of them."""

    def sidecars(count: int) -> tuple[SidecarOptions, ...]:
        return tuple(SidecarOptions(name=f"helper{index}") for index in range(count))

    assert len(ServiceConfig(cpu=4096, memory=16384, sidecars=sidecars(9)).sidecars) == 9
    with pytest.raises(ConfigError) as caught:
        ServiceConfig(cpu=4096, memory=16384, sidecars=sidecars(10))
    assert str(caught.value) == "sidecars: 10 given; a task definition holds at most 10 containers"


def test_two_names_that_give_the_same_parameter_names_are_both_named() -> None:
    with pytest.raises(ConfigError) as caught:
        ServiceConfig(sidecars=(SidecarOptions(name="log-router"), SidecarOptions(name="logrouter")))
    assert str(caught.value) == (
        "sidecars[1].name: 'logrouter' and 'log-router' give the same template parameter names; rename one"
    )
