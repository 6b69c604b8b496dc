"""The export contract: keys in templates/exports.json are public and may only ever be added to; imports and weak
references read them."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, TEMPLATES, catalogue_dict
from conftest import check_files as _check
from conftest import render_example as _render
from troposphere import Template, ecs

from fargate_private_templates import contract
from fargate_private_templates.catalogue import CATALOGUE
from fargate_private_templates.contract import NetworkImports, exported_keys, imported_keys
from fargate_private_templates.render.loader import load_template

CONTRACT = json.loads((TEMPLATES / "exports.json").read_text(encoding="utf-8"))

SHIPPED = [e.filename for e in CATALOGUE]


def test_contract_lists_every_shipped_template() -> None:
    assert sorted(k for k in CONTRACT if not k.startswith("_")) == sorted(SHIPPED)


@pytest.mark.parametrize("filename", SHIPPED)
def test_no_export_key_disappears_or_is_renamed(filename: str) -> None:
    published = contract.exported_keys(catalogue_dict(filename))
    promised = CONTRACT[filename].get("exports", [])
    missing = [k for k in promised if k not in published]
    assert not missing, f"{filename} no longer exports {missing}: deployed importers would block the update"
    unrecorded = [k for k in published if k not in promised]
    assert not unrecorded, f"{filename} exports {unrecorded}: add them to templates/exports.json"


@pytest.mark.parametrize("filename", SHIPPED)
def test_imports_are_recorded_in_the_contract(filename: str) -> None:
    assert contract.imported_keys(catalogue_dict(filename)) == CONTRACT[filename].get("imports", [])


NETWORKS = [name for name in SHIPPED if name.startswith("network")]

SERVICES = [name for name in SHIPPED if name.startswith("service")]

FRONT_DOOR_KEYS = set(contract.FrontDoorExport)


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("consumer", [*SERVICES, "ingress-alb.yaml"])
def test_every_network_import_is_exported_by_every_network(network: str, consumer: str) -> None:
    exported = set(contract.exported_keys(catalogue_dict(network)))
    imported = [k for k in contract.imported_keys(catalogue_dict(consumer)) if k not in FRONT_DOOR_KEYS]
    assert imported, f"{consumer} imports nothing from the network stack"
    assert [k for k in imported if k not in exported] == []


def test_front_door_imports_are_exported_by_the_front_door() -> None:
    exported = set(contract.exported_keys(catalogue_dict("ingress-alb.yaml")))
    imported = set(contract.imported_keys(catalogue_dict("service-shared-alb.yaml"))) & FRONT_DOOR_KEYS
    assert imported and imported <= exported


@pytest.mark.parametrize("filename", SHIPPED)
def test_every_export_is_named_after_the_stack(filename: str) -> None:
    for name, output in catalogue_dict(filename).get("Outputs", {}).items():
        if "Export" in output:
            assert output["Export"]["Name"] == {"Fn::Sub": f"${{AWS::StackName}}-{name}"}


def _string_literals(source: str) -> list[str]:
    """String constants of a module, docstrings left out (they may show an export name as an example)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _troposphere_imports(source: str) -> set[str]:
    return {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module == "troposphere"
        for alias in node.names
    }


def test_no_module_but_the_contract_spells_an_export_name() -> None:
    keys = "|".join(k.value for k in [*contract.NetworkExport, *contract.RegistryExport])
    spelled = re.compile(rf"\}}-({keys})\b|Subnet\d+Id")
    package = ROOT / "src" / "fargate_private_templates"
    offenders = []
    for path in package.rglob("*.py"):
        source = path.read_text()
        if path.name == "contract.py":
            continue
        if {"Export", "ImportValue"} & _troposphere_imports(source) or any(
            spelled.search(s) for s in _string_literals(source)
        ):
            offenders.append(path.name)
    assert offenders == []
    assert {"Export", "ImportValue"} <= _troposphere_imports((package / "contract.py").read_text())


def test_import_side_reads_from_the_network_stack_parameter() -> None:
    from troposphere import Template

    template = Template()
    imports = contract.NetworkImports(template)
    assert imports.value(contract.NetworkExport.VPC_ID).to_dict() == {
        "Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-VpcId"}
    }
    assert imports.private_subnet_ids.to_dict() == {
        "Fn::Split": [",", {"Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-PrivateSubnetIds"}}]
    }
    assert template.parameters[contract.NETWORK_STACK_PARAMETER].Type == "String"


def test_contract_file_is_valid_json_with_unique_keys() -> None:
    pairs_seen: list[list] = []
    json.loads((TEMPLATES / "exports.json").read_text(), object_pairs_hook=lambda p: pairs_seen.append(p) or dict(p))
    for pairs in pairs_seen:
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys))
    for entry in CONTRACT.values():
        if isinstance(entry, dict):
            for keys in entry.values():
                assert len(keys) == len(set(keys))


@pytest.mark.parametrize("filename", NETWORKS)
def test_no_output_disappears_or_is_renamed(filename: str) -> None:
    # Fn::GetStackOutput reads outputs by logical ID: a renamed output breaks every weak reader's next update.
    present = contract.output_keys(catalogue_dict(filename))
    promised = CONTRACT[filename]["outputs"]
    assert [k for k in promised if k not in present] == []
    assert [k for k in present if k not in promised] == [], "add new outputs to templates/exports.json"


def test_a_template_without_outputs_promises_none() -> None:
    assert contract.output_keys({"Resources": {}}) == []


@pytest.mark.parametrize("network", NETWORKS)
def test_every_output_a_weak_service_reads_is_promised_by_every_network(network: str) -> None:
    from fargate_private_templates.config.service import ServiceConfig
    from fargate_private_templates.layers import build_service
    from fargate_private_templates.render import ordered_dict

    reader = ordered_dict(build_service(ServiceConfig(references=contract.STACK_OUTPUTS)))
    read = contract.read_output_keys(reader)
    assert read and contract.imported_keys(reader) == []
    assert [k for k in read if k not in CONTRACT[network]["outputs"]] == []


NO_VALUE = {"Ref": "AWS::NoValue"}


def test_stack_outputs_mode_reads_through_get_stack_output_with_an_optional_role_and_no_region() -> None:
    from troposphere import Template

    template = Template()
    imports = contract.NetworkImports(template, mode=contract.STACK_OUTPUTS)
    assert imports.value(contract.NetworkExport.VPC_ID).to_dict() == {
        "Fn::GetStackOutput": {
            "StackName": {"Ref": "NetworkStackName"},
            "OutputName": "VpcId",
            "RoleArn": {"Fn::If": ["NetworkStackIsRemote", {"Ref": "NetworkStackRoleArn"}, NO_VALUE]},
        }
    }
    listed = imports.private_subnet_ids.to_dict()["Fn::Split"]
    assert listed[0] == "," and listed[1]["Fn::Join"][0] == ""
    assert listed[1]["Fn::Join"][1][0]["Fn::GetStackOutput"]["OutputName"] == "PrivateSubnetIds"
    # VPC, subnet and security group IDs belong to their Region: no parameter points the reads at another one.
    assert imports.parameter_titles == ["NetworkStackName", "NetworkStackRoleArn"]
    # A library user may still read another Region's stack: the helper spells Region as CloudFormation does.
    assert contract.GetStackOutput("net", "VpcId", region="eu-west-1").to_dict() == {
        "Fn::GetStackOutput": {"StackName": "net", "OutputName": "VpcId", "Region": "eu-west-1"}
    }
    assert template.parameters["NetworkStackRoleArn"].Default == ""
    assert template.conditions["NetworkStackIsRemote"].to_dict() == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "NetworkStackRoleArn"}, ""]}]
    }


def test_a_local_cluster_is_read_only_where_the_network_may_be_remote() -> None:
    """With exports the network is in the stack's own account: its cluster is read whatever cluster is offered."""
    imports = contract.NetworkImports(Template())
    imports.run_in_local_cluster_when_remote(ecs.Cluster("Cluster"))
    assert not imports.cluster_read_is_conditional
    assert imports.cluster_name.to_dict() == imports.value(contract.NetworkExport.CLUSTER_NAME).to_dict()


@pytest.mark.parametrize(("example", "service"), [("multi-account", "shop"), ("weak-references", "web")])
def test_every_lookup_of_a_stack_carries_the_same_role(example: str, service: str, tmp_path: Path, capsys) -> None:
    """The cluster's reads too, in both branches of their Fn::If: a lookup without the role would run in the
    workload account, where the network stack does not exist."""
    template = load_template(_render(tmp_path, f"{example}.toml", capsys) / f"service-{service}.yaml")
    lookups = list(contract._arguments_of(template, "Fn::GetStackOutput"))
    by_stack: dict[str, list] = {}
    for lookup in lookups:
        assert "Region" not in lookup, lookup
        by_stack.setdefault(lookup["StackName"]["Ref"], []).append(lookup.get("RoleArn"))
    assert {"ClusterArn", "ClusterName"} <= {lookup["OutputName"] for lookup in lookups}
    # cfn-lint (W1028) calls the role unreachable in the branch taken without one: accepted there, with the reason.
    for name in ("Service", "ScalableTarget"):
        lint = template["Resources"][name]["Metadata"]["cfn-lint"]
        assert lint["config"]["ignore_checks"] == ["W1028"] and "workload account" in lint["reasons"]["W1028"]
    for stack, roles in by_stack.items():
        role = {
            "Fn::If": [
                f"{stack.removesuffix('Name')}IsRemote",
                {"Ref": f"{stack.removesuffix('Name')}RoleArn"},
                NO_VALUE,
            ]
        }
        assert roles == [role] * len(roles), stack


def test_stack_imports_refuses_an_unknown_mode() -> None:
    from troposphere import Template

    with pytest.raises(ValueError, match="stack_outputs"):
        contract.StackImports(Template(), "FrontDoorStackName", "front-door", mode="ssm")


def test_weak_references_render_get_stack_output_only_and_pass_the_checker(tmp_path: Path, capsys) -> None:
    out = _render(tmp_path, "weak-references.toml", capsys)
    services = sorted(out.glob("service-*.yaml"))
    assert len(services) == 2
    for service in services:
        text = service.read_text(encoding="utf-8")
        assert "Fn::GetStackOutput" in text and "ImportValue" not in text, service.name
    code, printed = _check(capsys, out / "network.yaml", *services)
    assert code == 0 and "0 errors" in printed


def test_stack_outputs_service_parameters_are_grouped_for_the_console(tmp_path: Path, capsys) -> None:
    out = _render(tmp_path, "weak-references.toml", capsys)
    interface = load_template(out / "service-web.yaml")["Metadata"]["AWS::CloudFormation::Interface"]
    (group,) = [g for g in interface["ParameterGroups"] if g["Label"]["default"] == "Network stack"]
    assert group["Parameters"] == ["NetworkStackName", "NetworkStackRoleArn"]


def test_network_imports_properties() -> None:
    imports = NetworkImports(Template(), default_stack_name="prod-network")

    def imported(key: str) -> dict:
        return {"Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-" + key}}

    assert imports.vpc_id.to_dict() == imported("VpcId")
    assert imports.vpc_cidr.to_dict() == imported("VpcCidr")
    assert imports.cluster_name.to_dict() == imported("ClusterName")
    assert imports.cluster_arn.to_dict() == imported("ClusterArn")
    assert imports.public_subnet_ids.to_dict() == {"Fn::Split": [",", imported("PublicSubnetIds")]}
    assert imports.private_subnet_ids.to_dict() == {"Fn::Split": [",", imported("PrivateSubnetIds")]}
    assert imports.parameter.Default == "prod-network"


def test_contract_keys_of_templates_without_sections() -> None:
    assert exported_keys({}) == [] and imported_keys({}) == []
    output = {"Value": {"Fn::ImportValue": {"Fn::Sub": "${NetworkStackName}-VpcCidr"}}}
    assert imported_keys({"Outputs": {"Cidr": output}}) == ["VpcCidr"]


def test_only_imports_of_a_stack_parameter_dash_key_count_as_contract_keys() -> None:
    def imports(*names: object) -> dict:
        return {"Outputs": {f"O{n}": {"Value": {"Fn::ImportValue": name}} for n, name in enumerate(names)}}

    others = ("literal-VpcId", {"Fn::Sub": "prod-${Env}-VpcId"}, {"Fn::Sub": "${NetworkStackName}"}, {"Ref": "X"})
    assert imported_keys(imports(*others)) == []
    # The key is everything after the first "}-", dashes and braces included.
    assert imported_keys(imports({"Fn::Sub": "${A}-B}-C"}, {"Fn::Sub": ["${A}-Vpc-Id", {}]})) == ["B}-C"]


def test_a_service_that_never_brings_its_own_cluster_accepts_no_lint_warning() -> None:
    from fargate_private_templates.config.service import ServiceConfig
    from fargate_private_templates.layers import build_service
    from fargate_private_templates.render import ordered_dict

    for references in (contract.EXPORTS, contract.STACK_OUTPUTS):
        template = ordered_dict(build_service(ServiceConfig(references=references)))
        expected = {"Service", "ScalableTarget"} if references == contract.STACK_OUTPUTS else set()
        accepted = {name for name, body in template["Resources"].items() if "cfn-lint" in body.get("Metadata", {})}
        assert accepted == expected, references
