"""How a consumer template reads another stack: the reference modes (``contract.StackImports`` builds them)."""

from __future__ import annotations

from typing import Final

# exports: Fn::ImportValue, strict (a deployed import pins the export); stack_outputs: Fn::GetStackOutput, weak.
EXPORTS: Final = "exports"
STACK_OUTPUTS: Final = "stack_outputs"
REFERENCE_MODES: Final = (EXPORTS, STACK_OUTPUTS)
