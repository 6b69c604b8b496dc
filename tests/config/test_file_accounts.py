"""The ``account`` key of a [[services]] table: the account the service's stack is deployed to."""

from __future__ import annotations

import pytest

from fargate_private_templates.config import ConfigError, parse_config

SERVICE = {"name": "shop", "image": {"repository": "shop"}}


def test_an_account_per_service_is_kept_beside_the_service() -> None:
    document = {"services": [{**SERVICE, "account": "444455556666"}, {"name": "web"}]}
    deployment = parse_config(document, "c.toml")
    assert deployment.accounts == (("shop", "444455556666"),)
    assert [s.name for s in deployment.services] == ["shop", "web"]


def test_no_account_means_the_networks() -> None:
    assert parse_config({"services": [SERVICE]}, "c.toml").accounts == ()


@pytest.mark.parametrize("value", ["12345", 444455556666, "44445555666a", "4444555566667"])
def test_an_account_that_is_not_twelve_digits_is_refused_by_its_path(value: object) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config({"services": [{"name": "web"}, {**SERVICE, "account": value}]}, "c.toml")
    assert str(error.value) == f"c.toml: services[1].account: {value!r} is not allowed; a 12-digit AWS account ID"


def test_an_unknown_key_lists_account_among_the_allowed() -> None:
    with pytest.raises(ConfigError, match=r"services\[0\]\.acount: unknown key; allowed here: .*, account$"):
        parse_config({"services": [{"acount": "444455556666"}]}, "c.toml")
