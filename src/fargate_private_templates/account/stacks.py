"""Preflight of the stacks: each one this run deploys can be created or updated; each one a service reads but this run
does not deploy (a network in another pipeline, a front door named by ``routing.front_door``) exists, is complete and
has every export or output the service reads; no export this run creates is owned by another stack."""

from __future__ import annotations

from collections.abc import Iterator

from ..contract import FRONT_DOOR_STACK_PARAMETER, NETWORK_STACK_PARAMETER, exported_keys
from ..deploy.plan import StackPlan
from .context import AccountReader, Context
from .results import FAIL, PASS, SKIP, Result

CHECK = "stack"
EXPORT_CHECK = "export"
# States a stack cannot be updated from, and what to do about each kind.
_BUSY = "_IN_PROGRESS"
_BROKEN = {
    "ROLLBACK_COMPLETE": "its creation failed and was rolled back: delete it, then deploy again",
    "ROLLBACK_FAILED": "delete it, then deploy again",
    "CREATE_FAILED": "delete it, then deploy again",
    "DELETE_FAILED": "delete it again, retaining what blocks the delete",
    "UPDATE_ROLLBACK_FAILED": "continue the rollback (aws cloudformation continue-update-rollback)",
    "UPDATE_FAILED": "look at its events, then update it again",
}
READABLE = ("CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE")


def check_stacks(context: Context) -> Iterator[Result]:
    for stack in context.stacks:
        yield own_stack(context, stack.stack_name)
    for stack in context.stacks:
        yield from _producers(context, stack)
    yield from _export_owners(context)


def own_stack(reader: AccountReader, stack_name: str) -> Result:
    """Whether the stack this run deploys can be created or updated."""
    deployed = reader.stack(stack_name)
    if deployed is None:
        return Result(PASS, CHECK, stack_name, "does not exist yet: it will be created")
    status = deployed["StackStatus"]
    if status.endswith(_BUSY):
        return Result(FAIL, CHECK, stack_name, f"is {status}", "wait for it to finish, then deploy")
    if status in _BROKEN:
        return Result(FAIL, CHECK, stack_name, f"is {status}", _BROKEN[status])
    return Result(PASS, CHECK, stack_name, f"is {status}: it will be updated")


def _producers(context: Context, stack: StackPlan) -> Iterator[Result]:
    """The stacks ``stack`` reads through its stack-name parameters, when this run does not deploy them."""
    values = context.values(stack)
    for parameter in (NETWORK_STACK_PARAMETER, FRONT_DOOR_STACK_PARAMETER):
        producer = values.get(parameter)
        if not producer or context.deploys(producer):
            continue
        subject = f"{stack.stack_name} reads {producer}"
        prefix = parameter.removesuffix("Name")
        if values.get(f"{prefix}RoleArn"):
            detail = f"read through {values[f'{prefix}RoleArn']} in another account: not read from here"
            yield Result(SKIP, CHECK, subject, detail, "run preflight in that account too")
            continue
        deployed = context.stack(producer)
        if deployed is None:
            yield Result(FAIL, CHECK, subject, "the stack does not exist", f"deploy {producer} first")
            continue
        status = deployed["StackStatus"]
        if status not in READABLE:
            yield Result(FAIL, CHECK, subject, f"the stack is {status}", f"bring {producer} to a *_COMPLETE state")
            continue
        yield _reads(context, stack, producer, deployed, parameter)


def _reads(context: Context, stack: StackPlan, producer: str, deployed: dict, parameter: str) -> Result:
    subject = f"{stack.stack_name} reads {producer}"
    imports, outputs = reads_through(stack.template, parameter)
    missing = [f"export {producer}-{key}" for key in imports if f"{producer}-{key}" not in context.exports]
    present = {output["OutputKey"] for output in deployed.get("Outputs", [])}
    missing += [f"output {key}" for key in outputs if key not in present]
    if missing:
        fix = f"update {producer} with a template that has them (render its config again), then deploy this stack"
        return Result(FAIL, CHECK, subject, f"it lacks {', '.join(missing)}", fix)
    count = len(imports) + len(outputs)
    return Result(PASS, CHECK, subject, f"{deployed['StackStatus']}, with the {count} values this stack reads")


def reads_through(template: dict, parameter: str) -> tuple[list[str], list[str]]:
    """The export keys (``Fn::ImportValue`` of ``${<parameter>}-<Key>``) and output names (``Fn::GetStackOutput`` of
    stack ``Ref <parameter>``) a template reads through one stack-name parameter, sorted."""
    imports: set[str] = set()
    outputs: set[str] = set()
    pending = [template.get("Resources", {}), template.get("Outputs", {})]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        pending.extend(node.values())
        imported = node.get("Fn::ImportValue")
        text = imported.get("Fn::Sub") if isinstance(imported, dict) else None
        if isinstance(text, str) and text.startswith(f"${{{parameter}}}-"):
            imports.add(text.split("}-", 1)[1])
        read = node.get("Fn::GetStackOutput")
        if isinstance(read, dict) and read.get("StackName") == {"Ref": parameter}:
            outputs.add(str(read.get("OutputName")))
    return sorted(imports), sorted(outputs)


def _export_owners(context: Context) -> Iterator[Result]:
    for stack in context.stacks:
        names = [f"{stack.stack_name}-{key}" for key in exported_keys(stack.template)]
        yield from export_owners(context, stack.stack_name, names, "choose another deployment name")


def export_owners(reader: AccountReader, stack_name: str, names: list[str], rename: str) -> Iterator[Result]:
    """A FAIL for each export name another stack owns; one PASS when every name is free or ``stack_name``'s."""
    owners = {name: reader.exports.get(name, stack_name) for name in names}
    taken = {name: owner for name, owner in owners.items() if owner != stack_name}
    for name, owner in taken.items():
        fix = f"{rename}, or delete stack {owner}"
        yield Result(FAIL, EXPORT_CHECK, f"{stack_name} export {name}", f"already owned by stack {owner}", fix)
    if names and not taken:
        yield Result(PASS, EXPORT_CHECK, stack_name, f"its {len(names)} export names are free or its own")
