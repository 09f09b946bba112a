"""How a rule's compiled code runs: as closures first, as one generated Python function once that pays.

A rule set is compiled to closures (:mod:`compliance.dsl.compiler`): quick to
make, so a run that checks one document starts at once.  Generated Python
(:mod:`compliance.dsl.codegen`) runs a rule in about 60% of the time, but
Python takes longer to compile it than the closures take to run on a document
or two.  So each rule switches when the time it has spent running as closures
reaches the estimated time to compile it: a rule that is slow to run switches
after a few documents, one that costs next to nothing may never switch, and
no rule spends more than about twice what it would have with the better
choice made in advance (the rule of thumb of just-in-time compilers).

Both forms compute the same results, steps and errors (the generator reuses
the closure compiler for its checks and for what it does not generate
itself), so the switch is invisible in results.  A rule that Python cannot
compile (nested deeper than Python's own limits) stays as closures.
"""

from __future__ import annotations

import time
from typing import Any, Callable

Statement = Callable[[dict], Any]

#: Estimated seconds to generate and compile a rule per character of its source (measured on the
#: shipped rules, about 0.9 µs; the ratio to the closures' running time is what matters).
COMPILE_SECONDS_PER_CHARACTER = 0.9e-6


class RuleCode:
    """A rule's statements as closures, and how to make its generated function when it is worth it."""

    __slots__ = ("closures", "generate", "function", "spent", "budget")

    def __init__(self, closures: tuple[Statement, ...], generate: Callable[[], Statement] | None,
                 source_size: int) -> None:
        self.closures = closures
        #: Makes the generated function; None once tried (or when there is nothing to gain).
        self.generate = generate
        self.function: Statement | None = None
        #: Seconds spent running as closures, and how many to spend before generating.
        self.spent = 0.0
        self.budget = source_size * COMPILE_SECONDS_PER_CHARACTER

    def run(self, env: dict) -> None:
        function = self.function
        if function is None and self.generate is not None and self.spent >= self.budget:
            function = self.promote()
        if function is not None:
            function(env)
            return
        start = time.perf_counter()
        try:
            for statement in self.closures:
                statement(env)
        finally:
            self.spent += time.perf_counter() - start

    def promote(self) -> Statement | None:
        """Switch to the generated function now; it stays as closures if Python cannot compile it."""
        generate, self.generate = self.generate, None
        if generate is not None:
            try:
                self.function = generate()
            except (SyntaxError, RecursionError, MemoryError):
                pass  # nested deeper than Python compiles: the closures go on
        return self.function


__all__ = ["COMPILE_SECONDS_PER_CHARACTER", "RuleCode"]
