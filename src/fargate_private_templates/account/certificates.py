"""Preflight of the certificates: each listener's is ISSUED, in the stack's Region, and together they cover every host
header routed to the front door; a CloudFront front door's viewer certificate is ISSUED in us-east-1 and covers every
alternate domain name of the distribution ("To use an ACM certificate with Amazon CloudFront, you must request or
import the certificate in the US East (N. Virginia) region", https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html).

ACM's wildcard names: "the asterisk (*) must be in the leftmost position of the domain name and can protect only one
subdomain level ... *.example.com protects only the subdomains of example.com, it does not protect the bare or apex
domain" (https://docs.aws.amazon.com/acm/latest/userguide/acm-certificate-characteristics.html). SubjectAlternativeNames
holds the certificate's DomainName too
(https://docs.aws.amazon.com/acm/latest/APIReference/API_CertificateDetail.html).
"""

from __future__ import annotations

from collections.abc import Iterator

from botocore.exceptions import ClientError

from ..config.load_balancer import SHARED
from ..deploy.plan import FRONT_DOOR, SERVICE
from .aws import error_code
from .context import AccountReader, Context
from .results import FAIL, PASS, WARN, Result

CHECK = "certificate"
ISSUED = "ISSUED"
VIEWER_REGION = "us-east-1"


def covers(name: str, host: str) -> bool:
    """Whether a certificate name (exact, or ``*.`` one level) covers a host; case does not matter in DNS."""
    name, host = name.lower().rstrip("."), host.lower().rstrip(".")
    if name.startswith("*."):
        parent = name[2:]
        head, dot, rest = host.partition(".")
        return bool(dot) and bool(head) and rest == parent
    return name == host


def _certificate_arns(context: Context) -> list[tuple[str, str, str]]:
    """(stack, parameter, ARN) of every certificate a stack of the plan puts on a listener."""
    found = []
    for stack in context.plan.stacks:
        values = context.values(stack)
        for parameter in ("CertificateArn", "ExtraCertificateArn"):
            if values.get(parameter):
                found.append((stack.stack_name, parameter, values[parameter]))
    return found


def check_certificates(context: Context) -> Iterator[Result]:
    names: dict[str, list[str]] = {}
    for stack_name, parameter, arn in _certificate_arns(context):
        if context.deploys(stack_name):
            result, names_read = read_certificate(context, f"{stack_name} {parameter} {arn}", arn)
            if names_read is not None:
                names[arn] = names_read
            yield result
    yield from _check_hosts(context, names)


def read_certificate(
    reader: AccountReader, subject: str, arn: str, viewer: bool = False
) -> tuple[Result, list[str] | None]:
    """Whether the certificate is ISSUED in the Region its user takes it from (the reader's for a listener, us-east-1
    for a CloudFront ``viewer`` certificate); its names when it is."""
    region = arn.split(":")[3] if arn.count(":") >= 5 else ""
    wanted = VIEWER_REGION if viewer else reader.region
    if region != wanted:
        where = f"{wanted}, the only Region CloudFront takes certificates from" if viewer else f"the stack's {wanted}"
        fix = f"request or import the certificate in {wanted}"
        return Result(FAIL, CHECK, subject, f"is in Region {region or '?'}, not {where}", fix), None
    try:
        client = reader.aws.client("acm", VIEWER_REGION if viewer else None)
        detail = client.describe_certificate(CertificateArn=arn)["Certificate"]
    except ClientError as error:
        if error_code(error) != "ResourceNotFoundException":
            raise
        fix = "request it in ACM, or give the ARN of one that exists"
        return Result(FAIL, CHECK, subject, "does not exist", fix), None
    status = detail.get("Status", "?")
    if status != ISSUED:
        fix = "complete its DNS validation (or request a new one) before deploying"
        return Result(FAIL, CHECK, subject, f"is {status}, not {ISSUED}", fix), None
    names = detail.get("SubjectAlternativeNames") or [detail.get("DomainName", "")]
    return Result(PASS, CHECK, subject, f"{ISSUED} for {', '.join(names)}"), names


def check_viewer_certificates(context: Context) -> Iterator[Result]:
    """The viewer certificate of each CloudFront distribution the run deploys."""
    for stack in context.plan.stacks:
        values = context.values(stack)
        arn = values.get("ViewerCertificateArn")
        if arn and context.deploys(stack.stack_name):
            domains = [domain for domain in values.get("DomainNames", "").split(",") if domain]
            yield from viewer_results(context, stack.stack_name, arn, domains)


def viewer_results(reader: AccountReader, stack_name: str, arn: str, domains: list[str]) -> Iterator[Result]:
    """The viewer certificate is ISSUED in us-east-1 and covers every alternate domain name (CloudFront refuses an
    alias its certificate does not cover)."""
    result, names = read_certificate(reader, f"{stack_name} ViewerCertificateArn {arn}", arn, viewer=True)
    yield result
    for domain in domains if names is not None else ():
        subject = f"{stack_name} domain name {domain}"
        if any(covers(name, domain) for name in names):
            yield Result(PASS, CHECK, subject, "covered by the viewer certificate")
        else:
            detail = f"the viewer certificate does not cover it (names: {', '.join(names) or 'none'})"
            fix = "give a viewer certificate (us-east-1) that covers it, or remove it from DomainNames"
            yield Result(FAIL, CHECK, subject, detail, fix)


def _check_hosts(context: Context, names: dict[str, list[str]]) -> Iterator[Result]:
    """Every host a shared service routes is covered by one of the front door listener's certificates: the front
    door's own and the ones services add (the listener picks one by SNI)."""
    listener = [
        arn
        for stack in context.plan.stacks
        if stack.role in (FRONT_DOOR, SERVICE)
        for parameter in ("CertificateArn", "ExtraCertificateArn")
        if (stack.role == FRONT_DOOR) == (parameter == "CertificateArn")
        and (arn := context.values(stack).get(parameter))
    ]
    known = [name for arn in listener for name in names.get(arn, [])]
    unread = [arn for arn in listener if arn not in names]
    for stack, service in context.services():
        if service.load_balancer.kind != SHARED:
            continue
        hosts = [h for h in context.values(stack).get("HostHeaders", "").split(",") if h]
        for host in hosts:
            fix = "add a certificate for it (the service's ExtraCertificateArn) or route a host it covers"
            yield host_result(f"{stack.stack_name} host {host}", host, known, unread, fix)


def host_result(subject: str, host: str, known: list[str], unread: list[str], fix: str) -> Result:
    """Whether a routed host is covered by one of the names ``known`` (``unread``: certificates not read)."""
    if any(covers(name, host) for name in known):
        return Result(PASS, CHECK, subject, "covered by a certificate on the front door's listener")
    if "*" in host or "?" in host:
        detail = f"a host pattern: cannot prove {', '.join(known) or 'the certificates'} cover every match"
        return Result(WARN, CHECK, subject, detail, "make sure a certificate covers every host it matches")
    if unread:
        detail = f"not covered by {', '.join(known) or 'the certificates read'}; {', '.join(unread)} not read"
        return Result(WARN, CHECK, subject, detail, "fix the certificates above, then run preflight again")
    detail = f"no certificate on the front door's listener covers it (names: {', '.join(known) or 'none'})"
    return Result(FAIL, CHECK, subject, detail, fix)
