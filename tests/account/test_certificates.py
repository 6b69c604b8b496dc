"""ACM's name matching, as preflight applies it to the hosts routed to the front door."""

from __future__ import annotations

import pytest

from fargate_private_templates.account.certificates import covers


@pytest.mark.parametrize(
    ("name", "host", "expected"),
    [
        ("www.example.com", "www.example.com", True),
        ("WWW.Example.com", "www.example.COM.", True),
        ("www.example.com", "api.example.com", False),
        # One subdomain level, never the apex (ACM user guide, "Wildcard names").
        ("*.example.com", "www.example.com", True),
        ("*.example.com", "test.login.example.com", False),
        ("*.example.com", "example.com", False),
        ("*.example.com", ".example.com", False),
        ("*.example.com", "wwwexample.com", False),
        ("*.example.com", "www.example.org", False),
        ("example.com", "www.example.com", False),
    ],
)
def test_a_certificate_name_covers_a_host_as_acm_says(name: str, host: str, expected: bool) -> None:
    assert covers(name, host) is expected
