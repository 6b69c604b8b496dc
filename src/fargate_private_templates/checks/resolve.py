"""Follow Ref, GetAtt, Fn::If, imports and list functions to what a property names, across templates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any, TypeGuard

from .exports import (
    Export,
    ExportName,
    Name,
    UnreadableName,
    name_of,
    output_reference,
    read_exports,
    read_outputs,
)
from .intrinsics import (
    Part,
    endpoint_service,
    getatt_parts,
    if_arguments,
    intrinsic,
    join_texts,
    render_parts,
    texts,
)
from .nested_stacks import NestedStacks
from .resolve_parts import as_index, mapping_children, one_item, part, resources_of, split_values
from .values import NO_VALUE, Literal, Located, ResourceRef, Unknown, Value

_Leaf = tuple[str, Any] | Unknown
_FOLLOWED = ("Fn::If", "Fn::ImportValue", "Fn::GetStackOutput", "Fn::FindInMap", "Fn::Join")


class Resolver:
    """The given templates as one world: each property value resolved to the resources it can name."""

    def __init__(self, templates: Mapping[str, dict]) -> None:
        self.templates = templates
        self._resources = {name: resources_of(template) for name, template in templates.items()}
        # Resources by type, template by template in document order: rules ask for a type many times over.
        self._by_type: dict[str, list[ResourceRef]] = defaultdict(list)
        self._position: dict[ResourceRef, int] = {}
        for name, resources in self._resources.items():
            for logical_id, resource in resources.items():
                ref = ResourceRef(name, logical_id)
                self._position[ref] = len(self._position)
                if isinstance(resource.get("Type"), str):
                    self._by_type[resource["Type"]].append(ref)
        self._pointing: dict[tuple[str, str], dict[ResourceRef, list[ResourceRef]]] = {}
        self._following: set[tuple[str, str]] = set()
        # An import inside an export name is read before any export is known: it stays a variable.
        self.exports: list[Export] = []
        self.nested = NestedStacks(templates)
        self.exports, self.unreadable_exports = read_exports(templates, self.names)
        self.outputs = read_outputs(templates)

    # --- resources -------------------------------------------------------------------------------------------

    def resources(self, template: str) -> dict[str, dict]:
        return self._resources.get(template, {})

    def type_of(self, ref: ResourceRef) -> str | None:
        return self.resources(ref.template).get(ref.logical_id, {}).get("Type")

    def properties(self, ref: ResourceRef) -> dict:
        properties = self.resources(ref.template).get(ref.logical_id, {}).get("Properties")
        return properties if isinstance(properties, dict) else {}

    def of_type(self, *types: str) -> Iterator[ResourceRef]:
        """Every resource of the given types, template by template in the given order."""
        if len(types) == 1:
            return iter(self._by_type.get(types[0], ()))
        found = [ref for kind in dict.fromkeys(types) for ref in self._by_type.get(kind, ())]
        return iter(sorted(found, key=self._position.__getitem__))

    def pointing_to(self, resource_type: str, key: str, target: ResourceRef) -> list[ResourceRef]:
        """The resources of ``resource_type`` whose property ``key`` can name ``target`` (the ingress rules that add
        to a security group, say), in document order; each such property is resolved once for all targets."""
        index = self._pointing.get((resource_type, key))
        if index is None:
            index = self._pointing[(resource_type, key)] = defaultdict(list)
            for ref in self.of_type(resource_type):
                named = [
                    v for v in self.scalar(ref.template, self.properties(ref).get(key)) if isinstance(v, ResourceRef)
                ]
                for value in dict.fromkeys(named):
                    index[value].append(ref)
        return index.get(target, [])

    def endpoint_service(self, endpoint: ResourceRef) -> str | None:
        """The service a VPC endpoint reaches (``ecr.api``), its ServiceName's Fn::If and Fn::FindInMap followed."""
        return endpoint_service(self.properties(endpoint).get("ServiceName"), partial(self._expand, endpoint.template))

    def is_type(self, value: Value, resource_type: str) -> TypeGuard[ResourceRef]:
        return isinstance(value, ResourceRef) and self.type_of(value) == resource_type

    # --- values ----------------------------------------------------------------------------------------------

    def exports_for(self, name: ExportName) -> list[Export]:
        return [export for export in self.exports if export.name.matches(name)]

    def outputs_for(self, name: ExportName) -> list[Export]:
        """The outputs a Fn::GetStackOutput can read: same logical ID, any template standing for the stack."""
        return [output for output in self.outputs if output.name.matches(name)]

    def names(self, template: str, expression: Any) -> list[Name]:
        """Every export name an ``Export.Name`` or ``Fn::ImportValue`` argument can spell, one per branch."""
        return list(dict.fromkeys(name_of(text) for text in self.texts(template, expression)))

    def texts(self, template: str, expression: Any) -> list[list[Part]]:
        """Every string an expression can be, as text and variables; mappings, imports and Fn::Select followed."""
        return texts(expression, partial(self._expand, template))

    def _expand(self, template: str, name: str, argument: Any) -> list[list[Part]] | None:
        if name in ("Fn::ImportValue", "Fn::FindInMap"):
            return [text for leaf in self._leaves(template, {name: argument}) for text in self._leaf_texts(leaf)]
        if name == "Fn::Select":
            return [[part(value)] for value in self._select(template, argument)]
        if name == "Fn::Join" and isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str):
            delimiter, items = argument
            return [
                text
                for alternative in self.lists(template, items)
                for text in join_texts(delimiter, [[[part(value)]] for value in alternative])
            ]
        return None

    def _leaf_texts(self, leaf: _Leaf) -> list[list[Part]]:
        if isinstance(leaf, Unknown):
            return [[part(leaf)]]
        return self.texts(*leaf)

    def scalar(self, template: str, expression: Any) -> list[Value]:
        """Every value a one-value property can take: one per Fn::If branch and per matching export."""
        values: list[Value] = []
        for leaf in self._leaves(template, expression):
            values.extend([leaf] if isinstance(leaf, Unknown) else self._scalar_leaf(*leaf))
        return values

    def lists(self, template: str, expression: Any) -> list[list[Value]]:
        """Every list a list property can be (one per Fn::If branch and per matching export), items resolved."""
        alternatives: list[list[Value]] = []
        for leaf in self._leaves(template, expression):
            alternatives.extend([[leaf]] if isinstance(leaf, Unknown) else self._list_leaf(*leaf))
        return alternatives

    def items(self, template: str, expression: Any) -> list[Value]:
        """Every item a list property can hold, across all its alternatives."""
        return [value for alternative in self.lists(template, expression) for value in alternative]

    def mappings(self, template: str, expression: Any) -> list[tuple[int, dict]]:
        """(position, object) for a list of property objects such as ingress rules, every Fn::If branch included."""
        found: list[tuple[int, dict]] = []
        for leaf in self._leaves(template, expression):
            if not isinstance(leaf, Unknown) and isinstance(leaf[1], list):
                for position, item in enumerate(leaf[1]):
                    found.extend((position, mapping) for mapping in self.objects(leaf[0], item))
        return found

    def objects(self, template: str, expression: Any) -> list[dict]:
        """Every property object (not an intrinsic) an expression can be, one per Fn::If branch and matching export."""
        objects = []
        for leaf in self._leaves(template, expression):
            if not isinstance(leaf, Unknown) and isinstance(leaf[1], dict) and intrinsic(leaf[1]) is None:
                objects.append(leaf[1])
        return objects

    def _leaves(self, template: str, expression: Any) -> list[_Leaf]:
        """``expression`` with Fn::If, Fn::ImportValue, Fn::GetStackOutput and Fn::FindInMap followed, and the
        parameters and outputs of nested stacks: (template, expression) pairs."""
        if isinstance(expression, Located):
            return self._leaves(expression.template, expression.expression)
        if isinstance(expression, Unknown):
            return [expression]
        function = intrinsic(expression)
        if function is None or function[0] not in _FOLLOWED:
            return self._nested_leaves(template, expression, function)
        name, argument = function
        if name == "Fn::Join":
            # A one-item join with no delimiter is its item (how a list output reaches Fn::Split, see contract).
            if isinstance(argument, list) and len(argument) == 2 and argument[0] == "" and one_item(argument[1]):
                return self._leaves(template, argument[1][0])
            return [(template, expression)]
        if name == "Fn::GetStackOutput":
            return self._output_leaves(output_reference(argument))
        if name == "Fn::If":
            branches = if_arguments(argument)
            if branches is None:
                return [Unknown("a malformed Fn::If")]
            return [leaf for branch in branches for leaf in self._leaves(template, branch)]
        if name == "Fn::FindInMap":
            return self._map_leaves(template, argument)
        leaves: list[_Leaf] = []
        for import_name in self.names(template, argument):
            leaves.extend(self._import_leaves(import_name))
        return leaves

    def _nested_leaves(self, template: str, expression: Any, function: tuple[str, Any] | None) -> list[_Leaf]:
        """A parameter a parent stack passes, or a nested stack's output, followed; anything else as it is."""
        bound = None
        if function and function[0] == "Ref" and isinstance(function[1], str):
            bound = self.nested.parameter(template, function[1])
        elif function and function[0] == "Fn::GetAtt":
            bound = self.nested.output(template, function[1])
        if bound is None:
            return [(template, expression)]
        key = (template, repr(expression))
        if key in self._following:
            return [Unknown(f"{render_parts(self.texts(template, expression)[0])}, which refers to itself")]
        self._following.add(key)
        try:
            return [leaf for b in bound for leaf in ([b] if isinstance(b, Unknown) else self._leaves(*b))]
        finally:
            self._following.discard(key)

    def _map_leaves(self, template: str, argument: Any) -> list[_Leaf]:
        """The template's own mapping values a Fn::FindInMap can give; a key that is a variable takes every key."""
        if not (isinstance(argument, list) and len(argument) in (3, 4)):
            return [Unknown("a malformed Fn::FindInMap")]
        nodes: list[Any] = [self.templates.get(template, {}).get("Mappings")]
        lacking = False
        for key in argument[:3]:
            found = []
            for key_text in self.texts(template, key):
                for node in nodes:
                    children = mapping_children(node, key_text)
                    found.extend(children)
                    lacking = lacking or not children
            nodes = found
        leaves: list[_Leaf] = [(template, node) for node in nodes]
        if lacking:
            # The language extensions' fourth argument, {"DefaultValue": ...}, stands in for a missing key.
            default = argument[3].get("DefaultValue") if len(argument) == 4 and isinstance(argument[3], dict) else None
            keys = ", ".join(render_parts(self.texts(template, key)[0]) for key in argument[:3])
            missing = Unknown(f"Fn::FindInMap [{keys}], which the Mappings of {template} do not hold")
            leaves.append(missing if default is None else (template, default))
        return leaves

    def _import_leaves(self, name: Name) -> list[_Leaf]:
        if isinstance(name, UnreadableName):
            # The import pass reports it, with the name as far as it reads.
            return [Unknown(f"import {name}, whose export name cannot be read", missing_import=True)]
        exports = self.exports_for(name)
        if not exports:
            return [Unknown(f"import {name}", missing_import=True)]
        return self._follow(exports)

    def _output_leaves(self, name: ExportName | None) -> list[_Leaf]:
        if name is None:
            return [Unknown("a Fn::GetStackOutput whose output name cannot be read")]
        outputs = self.outputs_for(name)
        if not outputs:
            return [Unknown(f"output {name.key} of stack ${{{name.stack_variable}}}", missing_import=True)]
        return self._follow(outputs)

    def _follow(self, exports: list[Export]) -> list[_Leaf]:
        """The values of the exports (or outputs) a reference means, each followed in its own template."""
        leaves: list[_Leaf] = []
        for export in exports:
            key = (export.template, export.output)
            if key in self._following:
                leaves.append(Unknown(f"export {export.name} of {export.template}, which imports itself"))
                continue
            self._following.add(key)
            try:
                leaves.extend(self._leaves(export.template, export.value))
            finally:
                self._following.discard(key)
        return leaves

    def _scalar_leaf(self, template: str, expression: Any) -> list[Value]:
        if expression is None or isinstance(expression, (str, int, float, bool)):
            return [Literal(expression)]
        function = intrinsic(expression)
        if function is None:
            return [Unknown("a list or mapping where one value belongs")]
        name, argument = function
        if name == "Ref":
            return [self._ref(template, argument)]
        if name == "Fn::GetAtt":
            # The attribute does not matter: X.GroupId and Ref X both name security group X.
            parts = getatt_parts(argument)
            return [self._ref(template, parts[0]) if parts else Unknown("a malformed Fn::GetAtt")]
        if name == "Fn::Select":
            return self._select(template, argument)
        if name not in ("Fn::Sub", "Fn::Join"):
            return [Unknown(name)]
        values: list[Value] = []
        for text in self.texts(template, expression):
            if all(isinstance(part, str) for part in text):
                values.append(Literal(render_parts(text)))
            else:
                values.append(Unknown(f"{name} {render_parts(text)}" if text else name))
        return values

    def _ref(self, template: str, name: Any) -> Value:
        if name == "AWS::NoValue":
            return NO_VALUE
        if not isinstance(name, str):
            return Unknown("a malformed Ref")
        if name in self.resources(template):
            return ResourceRef(template, name)
        parameters = self.templates.get(template, {}).get("Parameters")
        if isinstance(parameters, dict) and name in parameters:
            return Unknown(f"parameter {name}", variable=name)
        if name.startswith("AWS::"):
            return Unknown(f"pseudo parameter {name}", variable=name)
        return Unknown(f"{name}, which {template} does not define")

    def _select(self, template: str, argument: Any) -> list[Value]:
        if not (isinstance(argument, list) and len(argument) == 2):
            return [Unknown("a malformed Fn::Select")]
        indexes = [as_index(v) for v in self.scalar(template, argument[0])]
        index = indexes[0] if len(indexes) == 1 else None
        values: list[Value] = []
        for alternative in self.lists(template, argument[1]):
            unknowns = [v for v in alternative if isinstance(v, Unknown)]
            if unknowns or index is None:
                # Positions are lost or the index is not fixed: every item is a candidate.
                values.extend(unknowns or alternative)
            elif index < len(alternative):
                values.append(alternative[index])
            else:
                values.append(Unknown(f"Fn::Select index {index} of a {len(alternative)}-item list"))
        return values

    def _list_leaf(self, template: str, expression: Any) -> list[list[Value]]:
        if isinstance(expression, list):
            return [self._list_items(template, expression)]
        function = intrinsic(expression)
        if function and function[0] == "Fn::Split":
            return self._split(template, function[1])
        return [[v for v in self._scalar_leaf(template, expression) if v != NO_VALUE]]

    def _list_items(self, template: str, items: list) -> list[Value]:
        return [value for item in items for value in self.scalar(template, item) if value != NO_VALUE]

    def _split(self, template: str, argument: Any) -> list[list[Value]]:
        """Fn::Split of a Fn::Join with the same delimiter (the usual export of an ID list) gives the joined items."""
        if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)):
            return [[Unknown("a malformed Fn::Split")]]
        delimiter, source = argument
        alternatives: list[list[Value]] = []
        for leaf in self._leaves(template, source):
            if isinstance(leaf, Unknown):
                alternatives.append([leaf])
                continue
            leaf_template, leaf_expression = leaf
            function = intrinsic(leaf_expression)
            joined = function[1] if function and function[0] == "Fn::Join" else None
            if isinstance(joined, list) and len(joined) == 2 and joined[0] == delimiter and isinstance(joined[1], list):
                alternatives.append(self._list_items(leaf_template, joined[1]))
            else:
                alternatives.append(split_values(delimiter, self._scalar_leaf(leaf_template, leaf_expression)))
        return alternatives
