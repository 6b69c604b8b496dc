"""The load balancer in front of a service (``[services.load_balancer]``): an ALB or NLB of its own, a listener rule
on the shared front door, or an internal ALB of its own behind CloudFront."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from ..errors import ConfigError
from . import validators as v
from .cloudfront import CLOUDFRONT, CloudFrontOptions, refuse_unused
from .patterns import CERTIFICATE_ARN
from .settings import Checked, Flag, OneOf, check_settings, setting

ALB: Final = "alb"
NLB: Final = "nlb"
# An ALB of the shared front-door stack (``build_front_door``): the service adds a listener rule to it.
SHARED: Final = "shared"
# An internal ALB of the service's own in the private subnets, reached only by a CloudFront VPC origin.
LOAD_BALANCERS: Final = (ALB, NLB, SHARED, CLOUDFRONT)

HTTPS: Final = "https"
TCP: Final = "tcp"
TLS: Final = "tls"
LISTENERS: Final = {ALB: (HTTPS,), NLB: (TCP, TLS), SHARED: (HTTPS,), CLOUDFRONT: (HTTPS,)}
HEALTH_CHECKS: Final = {ALB: ("http",), NLB: ("tcp", "http"), SHARED: ("http",), CLOUDFRONT: ("http",)}
# ELB's IpAddressType: IPv4 only, dual-stack, or (ALB, internet-facing) public IPv6 with private IPv4 only, which
# IPv4-only clients cannot reach (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetIpAddressType.html).
IPV4: Final = "ipv4"
DUALSTACK: Final = "dualstack"
DUALSTACK_WITHOUT_PUBLIC_IPV4: Final = "dualstack-without-public-ipv4"
IP_ADDRESS_TYPES: Final = {
    ALB: (IPV4, DUALSTACK, DUALSTACK_WITHOUT_PUBLIC_IPV4),
    NLB: (IPV4, DUALSTACK),
    SHARED: (IPV4,),
    CLOUDFRONT: (IPV4,),
}
# The API reference says "Internal load balancers must use ipv4" (CreateLoadBalancer, SetIpAddressType), while the
# ALB guide shows an internal dualstack ALB: we follow the API reference, the contract of what CreateLoadBalancer takes.
INTERNAL_IPV4_ONLY: Final = (
    "internal load balancers must use ipv4 (ELB API reference, SetIpAddressType: "
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetIpAddressType.html)"
)
# The ALB's HTTP listener on this port only redirects to HTTPS.
HTTP_REDIRECT_PORT: Final = 80

HTTPS_PORT: Final = 443


@dataclass(frozen=True)
class LoadBalancerOptions:
    """The load balancer in front of the service (``[services.load_balancer]``).

    Attributes:
        kind: ``alb`` (default: an ALB of the service's own), ``nlb`` (an NLB of its own), ``shared`` (a listener
            rule on the HTTPS listener of a shared front-door stack, see ``build_front_door``; routed by
            ``RoutingOptions``) or ``cloudfront`` (an internal ALB of its own in the private subnets, reached only by
            a CloudFront distribution through a VPC origin; see ``CloudFrontOptions``).
        listener_protocol: ``https`` for an ALB (with an HTTP listener that only redirects); ``tcp`` or ``tls`` for
            an NLB (default ``https`` for an ALB and a shared front door, ``tcp`` for an NLB).
        listener_port: public port (default 443 for https and tls, 80 for tcp); a shared front door's is 443.
        certificate_arn: default of the ``CertificateArn`` parameter for https/tls (default none: asked at deploy
            time); with ``cloudfront`` it must cover the viewers' domain names, which CloudFront forwards; with
            ``shared``, the default of ``ExtraCertificateArn``, a certificate added to the shared
            listener for this service's host names (SNI).
        deletion_protection: default of the ``DeletionProtection`` parameter (default False); not with ``shared``
            (the front door has its own).
        ip_address_type: ``ipv4`` (default), ``dualstack`` (IPv4 and IPv6 clients; ALB and NLB) or
            ``dualstack-without-public-ipv4`` (ALB only: IPv6 clients only, IPv4-only clients cannot connect); the
            network needs ``ipv6 = true``. Only ``ipv4`` with ``shared`` (the front door sets its own) and
            ``cloudfront`` (an internal load balancer; CloudFront answers IPv6 viewers itself).
        cloudfront: with ``kind = "cloudfront"``, the distribution's settings, a ``CloudFrontOptions``
            (``[services.load_balancer.cloudfront]``; default: everything asked at deploy time).
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
    ip_address_type: str = setting(
        IPV4,
        allowed=Checked(
            "; ".join(
                f"with `{kind}`: " + ", ".join(f"`{t}`" for t in types) for kind, types in IP_ADDRESS_TYPES.items()
            ),
            (("enum", sorted({t for types in IP_ADDRESS_TYPES.values() for t in types})),),
        ),
    )
    cloudfront: CloudFrontOptions = field(default_factory=CloudFrontOptions)

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
        why = {
            SHARED: ": the shared front door sets its own ([ingress] ip_address_type)",
            CLOUDFRONT: f": {INTERNAL_IPV4_ONLY}",
        }
        where = f"with load_balancer.kind {kind!r}{why.get(kind, '')}"
        check_ip_address_type("load_balancer.ip_address_type", self.ip_address_type, IP_ADDRESS_TYPES[kind], where)
        if not isinstance(self.cloudfront, CloudFrontOptions):
            raise ConfigError(f"load_balancer.cloudfront: {self.cloudfront!r} is not a CloudFrontOptions")
        refuse_unused(self.cloudfront, kind, "load_balancer.kind", "load_balancer.cloudfront")

    @property
    def uses_certificate(self) -> bool:
        return self.listener_protocol in (HTTPS, TLS)

    @property
    def public_ports(self) -> list[int]:
        """The ports open to the internet: the listener's, and the ALB's redirect."""
        return [self.listener_port, HTTP_REDIRECT_PORT] if self.kind in (ALB, SHARED) else [self.listener_port]

    @property
    def is_application(self) -> bool:
        """An ALB, the service's own, the shared front door or behind CloudFront: HTTP health checks, request-count
        scaling."""
        return self.kind in (ALB, SHARED, CLOUDFRONT)

    @property
    def is_dual_stack(self) -> bool:
        return self.ip_address_type != IPV4


def check_ip_address_type(field: str, value: object, allowed: tuple[str, ...], where: str) -> str:
    """``value`` if it is among ``allowed``; ``where`` says which setting limits it, and why."""
    v.one_of(field, value, IP_ADDRESS_TYPES[ALB])
    if value not in allowed:
        raise ConfigError(f"{field}: {value!r} is not allowed {where}; allowed: {', '.join(allowed)}")
    return value
