"""The load balancer in front of a service (``[services.load_balancer]``): an ALB or NLB of its own, or a listener rule
on the shared front door."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..errors import ConfigError
from . import validators as v
from .patterns import CERTIFICATE_ARN
from .settings import Checked, Flag, OneOf, check_settings, setting

ALB: Final = "alb"
NLB: Final = "nlb"
# An ALB of the shared front-door stack (``build_front_door``): the service adds a listener rule to it.
SHARED: Final = "shared"
LOAD_BALANCERS: Final = (ALB, NLB, SHARED)

HTTPS: Final = "https"
TCP: Final = "tcp"
TLS: Final = "tls"
LISTENERS: Final = {ALB: (HTTPS,), NLB: (TCP, TLS), SHARED: (HTTPS,)}
HEALTH_CHECKS: Final = {ALB: ("http",), NLB: ("tcp", "http"), SHARED: ("http",)}
# The ALB's HTTP listener on this port only redirects to HTTPS.
HTTP_REDIRECT_PORT: Final = 80

HTTPS_PORT: Final = 443


@dataclass(frozen=True)
class LoadBalancerOptions:
    """The load balancer in front of the service (``[services.load_balancer]``).

    Attributes:
        kind: ``alb`` (default: an ALB of the service's own), ``nlb`` (an NLB of its own) or ``shared`` (a listener
            rule on the HTTPS listener of a shared front-door stack, see ``build_front_door``; routed by
            ``RoutingOptions``).
        listener_protocol: ``https`` for an ALB (with an HTTP listener that only redirects); ``tcp`` or ``tls`` for
            an NLB (default ``https`` for an ALB and a shared front door, ``tcp`` for an NLB).
        listener_port: public port (default 443 for https and tls, 80 for tcp); a shared front door's is 443.
        certificate_arn: default of the ``CertificateArn`` parameter for https/tls (default none: asked at deploy
            time); with ``shared``, the default of ``ExtraCertificateArn``, a certificate added to the shared
            listener for this service's host names (SNI).
        deletion_protection: default of the ``DeletionProtection`` parameter (default False); not with ``shared``
            (the front door has its own).
    """

    kind: str = setting(ALB, allowed=OneOf(LOAD_BALANCERS))
    listener_protocol: str | None = setting(
        None,
        allowed=Checked(
            "; ".join(
                f"with `{kind}`: " + ", ".join(f"`{p}`" for p in protocols) for kind, protocols in LISTENERS.items()
            ),
            (("enum", sorted({p for protocols in LISTENERS.values() for p in protocols})),),
        ),
        default_text="`https` (an NLB: `tcp`)",
    )
    listener_port: int | None = setting(
        None,
        allowed=Checked(
            "1 to 65535; not 80 on an ALB (its redirect); 443 on the shared front door",
            (("type", "integer"), ("minimum", 1), ("maximum", 65535)),
        ),
        default_text="`443` (a TCP listener: `80`)",
    )
    certificate_arn: str | None = setting(
        None,
        allowed=Checked(
            "an ACM certificate ARN, for an `https` or `tls` listener",
            (("type", "string"), ("pattern", CERTIFICATE_ARN.pattern)),
        ),
    )
    deletion_protection: bool = setting(False, allowed=Flag())

    def __post_init__(self) -> None:
        check_settings(self, "load_balancer")
        kind = self.kind
        protocol = self.listener_protocol or LISTENERS[kind][0]
        if protocol not in LISTENERS[kind]:
            raise ConfigError(
                f"load_balancer.listener_protocol: {protocol!r} is not allowed with load_balancer.kind {kind!r}; "
                f"allowed: {', '.join(LISTENERS[kind])}"
            )
        object.__setattr__(self, "listener_protocol", protocol)
        if kind == SHARED and self.listener_port not in (None, HTTPS_PORT):
            raise ConfigError(
                f"load_balancer.listener_port: {self.listener_port!r} is not allowed with load_balancer.kind "
                f"'shared'; the shared front door listens on {HTTPS_PORT}"
            )
        if kind == SHARED and self.deletion_protection is not False:
            raise ConfigError(
                "load_balancer.deletion_protection: not used with load_balancer.kind 'shared'; the front-door stack "
                "has its own DeletionProtection parameter"
            )
        port = self.listener_port if self.listener_port is not None else (80 if protocol == TCP else 443)
        object.__setattr__(self, "listener_port", v.int_between("load_balancer.listener_port", port, 1, 65535))
        if kind in (ALB, SHARED) and self.listener_port == HTTP_REDIRECT_PORT:
            raise ConfigError(
                "load_balancer.listener_port: 80 is taken by the ALB's HTTP-to-HTTPS redirect; choose another port"
            )
        if self.certificate_arn is not None:
            if not self.uses_certificate:
                raise ConfigError(
                    f"load_balancer.certificate_arn: given, but load_balancer.listener_protocol {protocol!r} takes no "
                    f"certificate; use 'tls' or leave certificate_arn unset"
                )
            v.pattern(
                "load_balancer.certificate_arn",
                self.certificate_arn,
                CERTIFICATE_ARN,
                f"the {protocol.upper()} listener needs an ACM certificate ARN "
                "(arn:aws:acm:<region>:<account>:certificate/<id>), or leave it unset to ask at deploy time",
            )

    @property
    def uses_certificate(self) -> bool:
        return self.listener_protocol in (HTTPS, TLS)

    @property
    def public_ports(self) -> list[int]:
        """The ports open to the internet: the listener's, and the ALB's redirect."""
        return [self.listener_port, HTTP_REDIRECT_PORT] if self.kind in (ALB, SHARED) else [self.listener_port]

    @property
    def is_application(self) -> bool:
        """An ALB, the service's own or the shared front door: HTTP health checks, request-count scaling."""
        return self.kind in (ALB, SHARED)
