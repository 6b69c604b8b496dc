"""Every diagram variant worth rendering, as Mermaid text: each network of the catalogue with each service, the
default pair in subnet detail, a third-party registry, one ALB in front of two services, and the CloudFront and
dual-stack examples.

Used by tests/diagram/test_mermaid.py (each must parse with Mermaid's own parser) and by `make diagrams`
(`python tools/mermaid/variants.py OUT_DIR` writes OUT_DIR/<name>.mmd).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fargate_private_templates.config.image import ImageOptions
from fargate_private_templates.config.service import ServiceConfig
from fargate_private_templates.diagram import mermaid_diagram
from fargate_private_templates.diagram.topology import SUBNETS
from fargate_private_templates.layers.service import build_service
from fargate_private_templates.render import ordered_dict
from fargate_private_templates.render.loader import load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
SHARED_ALB = ROOT / "tests" / "fixtures" / "diagram" / "shared-alb.yaml"
NETWORKS = ("network", "network-single-nat", "network-regional-nat", "network-endpoints", "network-nat-endpoints")
SERVICES = ("service-alb", "service-nlb")


def _load(*names: str) -> dict[str, dict]:
    return {f"{name}.yaml": load_template(TEMPLATES / f"{name}.yaml") for name in names}


def _example(folder: Path) -> dict[str, dict]:
    return {path.name: load_template(path) for path in sorted(folder.glob("*.yaml"))}


def variants() -> dict[str, str]:
    """Variant name -> Mermaid text."""
    found = {
        f"{network}+{service}": mermaid_diagram(_load(network, service)) for network in NETWORKS for service in SERVICES
    }
    found["network+service-alb.subnets"] = mermaid_diagram(_load("network", "service-alb"), SUBNETS)
    third_party = ordered_dict(build_service(ServiceConfig(image=ImageOptions(source="third_party"))))
    for network in ("network", "network-nat-endpoints"):
        found[f"{network}+third-party"] = mermaid_diagram({**_load(network), "service.yaml": third_party})
    golden = ROOT / "tests" / "golden" / "examples"
    found["front-door+three-services"] = mermaid_diagram(_example(golden / "shared-alb"))
    # CloudFront in front of internal load balancers, and a dual-stack load balancer with IPv6 egress.
    for example in ("cloudfront", "dual-stack"):
        found[example] = mermaid_diagram(_example(golden / example))
        found[f"{example}.subnets"] = mermaid_diagram(_example(golden / example), SUBNETS)
    shared = {**_load("network"), "shared-alb.yaml": load_template(SHARED_ALB)}
    found["network+shared-alb"] = mermaid_diagram(shared)
    found["network+shared-alb.subnets"] = mermaid_diagram(shared, SUBNETS)
    return found


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in variants().items():
        (out / f"{name}.mmd").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
