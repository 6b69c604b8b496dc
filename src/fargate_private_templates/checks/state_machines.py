"""Step Functions state machines that run ECS tasks: each Task state whose Resource is ``ecs:runTask`` (``.sync``,
``.waitForTaskToken``, or the ``aws-sdk:ecs:runTask`` integration), in nested Parallel and Map states too.

The definition is read from ``Definition`` (an object), or ``DefinitionString`` (a string, a ``Fn::Sub`` or a
``Fn::Join``), with ``DefinitionSubstitutions`` applied to its ``${Name}`` placeholders; both resource types
(``AWS::StepFunctions::StateMachine``, ``AWS::Serverless::StateMachine``) name them so:
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-stepfunctions-statemachine.html
https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-statemachine.html
A state's run-task request uses the RunTask API's names in PascalCase, in ``Parameters`` (JSONPath states, where a
key ending ``.$`` is a path read at run time) or ``Arguments`` (JSONata states, where ``{% ... %}`` is evaluated at
run time): https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html
https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
What is only known at run time, or kept in S3, is not read: the state reads as not proven, with a warning saying why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from .intrinsics import SUB_VARIABLE, intrinsic, render_parts, sub_arguments
from .report import Finding
from .resolve import Resolver
from .values import ResourceRef, Unknown
from .workloads import STATE_MACHINE, Origin, Workload, finding

STATE_MACHINE_TYPES = ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine")
RUN_TASK = re.compile(r"^arn:[^:]+:states:::(?:aws-sdk:)?ecs:runTask(?:\.sync|\.waitForTaskToken)?$")
# Where a definition is kept outside the template.
ELSEWHERE = {"DefinitionS3Location": "in S3 (DefinitionS3Location)", "DefinitionUri": "in a file (DefinitionUri)"}
# An expression of the template stands in the definition's text as a private-use mark, since JSON must parse around it.
_MARK = "\ue000{}\ue001"
_MARKED = re.compile("\ue000([0-9]+)\ue001")
_JSONATA = re.compile(r"^\s*\{%.*%\}\s*$", re.DOTALL)
_JSONATA_LANGUAGE = "JSONata"


class Definition(NamedTuple):
    """A definition as JSON with the template's expressions in place, and where it sits in the resource."""

    tree: Any
    origin: tuple[str, ...]
    inside_string: bool


class _Text:
    """A definition's text being assembled: literal pieces, and marks standing for the template's expressions."""

    def __init__(self, substitutions: dict) -> None:
        self.substitutions = substitutions
        self.expressions: list[Any] = []

    def mark(self, expression: Any) -> str:
        self.expressions.append(expression)
        return _MARK.format(len(self.expressions) - 1)

    def literal(self, text: str) -> str:
        """Text with each ``${Name}`` of DefinitionSubstitutions marked; other placeholders stay as they are."""
        return SUB_VARIABLE.sub(lambda m: self._substitute(m.group(0), m.group(1)), text)

    def _substitute(self, whole: str, name: str) -> str:
        return self.mark(self.substitutions[name]) if name in self.substitutions else whole

    def of(self, expression: Any) -> str | None:
        """The text a DefinitionString expression spells; None when it is not a string, Fn::Sub or Fn::Join."""
        if isinstance(expression, str):
            return self.literal(expression)
        function = intrinsic(expression)
        if function and function[0] == "Fn::Sub":
            return self._sub(function[1])
        if function and function[0] == "Fn::Join":
            argument = function[1]
            if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], list):
                pieces = [self.of(item) if _is_text(item) else self.mark(item) for item in argument[1]]
                if isinstance(argument[0], str) and None not in pieces:
                    return argument[0].join(piece for piece in pieces if piece is not None)
        return None

    def _sub(self, argument: Any) -> str | None:
        arguments = sub_arguments(argument)
        if arguments is None:
            return None
        text, variables = arguments
        pieces, position = [], 0
        for match in SUB_VARIABLE.finditer(text):
            pieces.append(self.literal(text[position : match.start()]))
            name = match.group(1)
            if name.startswith("!"):
                # ``${!Name}`` leaves ``${Name}`` for Step Functions' own substitution.
                pieces.append(self.literal("${" + name[1:] + "}"))
            elif name in variables:
                pieces.append(self.mark(variables[name]))
            else:
                reference = {"Fn::GetAtt": name.split(".", 1)} if "." in name else {"Ref": name}
                pieces.append(self.mark(reference))
            position = match.end()
        pieces.append(self.literal(text[position:]))
        return "".join(pieces)

    def expression(self, text: str) -> Any:
        """A string of the definition as a template expression: the marked expression itself, a Fn::Join of text and
        expressions, or the text."""
        whole = _MARKED.fullmatch(text)
        if whole:
            return self.expressions[int(whole.group(1))]
        if not _MARKED.search(text):
            return text
        pieces = _MARKED.split(text)
        items = [self.expressions[int(p)] if i % 2 else p for i, p in enumerate(pieces) if i % 2 or p]
        return {"Fn::Join": ["", items]}

    def tree(self, node: Any) -> Any:
        """JSON (or a Definition object) with its strings as template expressions; intrinsics kept as they are."""
        if isinstance(node, dict):
            return node if intrinsic(node) else {key: self.tree(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self.tree(item) for item in node]
        return self.expression(self.literal(node)) if isinstance(node, str) else node


def _is_text(item: Any) -> bool:
    function = intrinsic(item)
    return isinstance(item, str) or bool(function and function[0] in ("Fn::Sub", "Fn::Join"))


def _quote_bare_marks(text: str) -> str:
    """Marks outside JSON strings (``"Count": ${Count}``) quoted, so the text parses."""
    out, in_string, position = [], False, 0
    while position < len(text):
        character = text[position]
        if in_string and character == "\\":
            out.append(text[position : position + 2])
            position += 2
            continue
        bare = None if in_string else _MARKED.match(text, position)
        if bare:
            out.append(f'"{bare.group(0)}"')
            position = bare.end()
            continue
        in_string = in_string != (character == '"')
        out.append(character)
        position += 1
    return "".join(out)


def read_definition(resolver: Resolver, machine: ResourceRef) -> Definition | str:
    """The state machine's definition, or why it cannot be read."""
    properties = resolver.properties(machine)
    substitutions = next(iter(resolver.objects(machine.template, properties.get("DefinitionSubstitutions"))), {})
    text = _Text(substitutions)
    if isinstance(properties.get("Definition"), dict):
        return Definition(text.tree(properties["Definition"]), ("Definition",), False)
    if "DefinitionString" in properties:
        body = text.of(properties["DefinitionString"])
        if body is None:
            return "its DefinitionString is not a string, a Fn::Sub or a Fn::Join of strings"
        try:
            return Definition(text.tree(json.loads(_quote_bare_marks(body))), ("DefinitionString",), True)
        except ValueError as error:
            return f"its DefinitionString is not JSON ({str(error).splitlines()[0]})"
    elsewhere = [where for key, where in ELSEWHERE.items() if key in properties]
    return f"its definition is {elsewhere[0]}" if elsewhere else "it has no Definition or DefinitionString"


class TaskState(NamedTuple):
    names: tuple[str, ...]
    path: tuple[str | int, ...]
    state: dict
    language: str


def task_states(tree: Any) -> Iterator[TaskState]:
    """Every Task state, in Parallel branches and Map processors too, with the query language it uses."""
    if not isinstance(tree, dict):
        return
    pending = [((), ("States",), tree.get("States"), tree.get("QueryLanguage", "JSONPath"))]
    while pending:
        names, path, states, language = pending.pop(0)
        for name, state in states.items() if isinstance(states, dict) else ():
            if not isinstance(state, dict):
                continue
            here, where = (*names, str(name)), (*path, name)
            used = state.get("QueryLanguage", language)
            if state.get("Type") == "Task":
                yield TaskState(here, where, state, used)
            for key, inner in _inner_machines(state):
                pending.append((here, (*where, *key, "States"), inner.get("States"), inner.get("QueryLanguage", used)))


def _inner_machines(state: dict) -> Iterator[tuple[tuple[str | int, ...], dict]]:
    if state.get("Type") == "Parallel" and isinstance(state.get("Branches"), list):
        yield from ((("Branches", i), b) for i, b in enumerate(state["Branches"]) if isinstance(b, dict))
    if state.get("Type") == "Map":
        yield from (((key,), state[key]) for key in ("ItemProcessor", "Iterator") if isinstance(state.get(key), dict))


def _runs_task(resolver: Resolver, template: str, resource: Any) -> bool:
    return any(RUN_TASK.match(render_parts(parts, "x")) for parts in resolver.texts(template, resource))


def _run_time(node: Any, language: str, where: str) -> Any:
    """The request with what is read at run time as unread values: ``Key.$`` paths, ``{% ... %}`` expressions."""
    if isinstance(node, list):
        return [_run_time(item, language, where) for item in node]
    if isinstance(node, str) and language == _JSONATA_LANGUAGE and _JSONATA.match(node):
        return Unknown(f"{node.strip()}, a JSONata expression {where} evaluates at run time", unread=True)
    if not isinstance(node, dict) or intrinsic(node):
        return node
    request: dict = {}
    for key, value in node.items():
        if language != _JSONATA_LANGUAGE and isinstance(key, str) and key.endswith(".$"):
            request[key[:-2]] = Unknown(f"{key} {value!r}, a path {where} reads at run time", unread=True)
        else:
            request[key] = _run_time(value, language, where)
    return request


def state_machine_launchers(resolver: Resolver) -> tuple[list[Workload], list[Finding]]:
    """The run-task states of every state machine, and a warning for each definition that cannot be read."""
    found: list[Workload] = []
    unread: list[Finding] = []
    for machine in resolver.of_type(*STATE_MACHINE_TYPES):
        try:
            definition = read_definition(resolver, machine)
            if isinstance(definition, Definition):
                found.extend(
                    _workload(machine, definition, state)
                    for state in task_states(definition.tree)
                    if _runs_task(resolver, machine.template, state.state.get("Resource"))
                )
        except RecursionError:
            # A DefinitionString is JSON inside a string: the loader's bound on nesting does not reach it.
            definition = "its definition is nested too deeply"
        if isinstance(definition, str):
            message = f"cannot read the state machine: {definition}; the ECS tasks it may run are not checked"
            unread.append(finding("W9009", machine, message))
    return found, unread


def _workload(machine: ResourceRef, definition: Definition, state: TaskState) -> Workload:
    key = "Arguments" if state.language == _JSONATA_LANGUAGE else "Parameters"
    where = f"state {' > '.join(state.names)}"
    request = _run_time(state.state.get(key, {}), state.language, "the state")
    if not isinstance(request, dict):
        reason = f"the {key} of {where}, {request.reason if isinstance(request, Unknown) else 'not an object'}"
        request = {name: Unknown(reason, unread=True) for name in ("NetworkConfiguration", "TaskDefinition")}
    path = (*definition.origin, *state.path, key)
    origin = Origin((), machine, path[:1] if definition.inside_string else path, definition.inside_string)
    label = f"{where}: "
    return Workload(machine, STATE_MACHINE, (), request, "TaskDefinition", label, request.get("Cluster"), (origin,))
