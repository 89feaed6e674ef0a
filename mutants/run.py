"""Mutation testing: change the code one small thing at a time and check that some test fails.

A *mutant* is a copy of a source file with one deliberate bug: ``+`` made
``-``, ``<`` made ``<=``, a constant nudged, ``continue`` made ``break``, a
``return x`` made ``return None``. The suite *kills* a mutant when a test
fails (or hangs past the timeout); a *survivor* is a bug no test notices. The
kill rate, killed / (all − equivalent), measures how much the tests bite.

Run it from the repository root::

    python mutants/run.py                      # every mutant of every target file (make mutants)
    python mutants/run.py --sample 0.25        # a deterministic quarter of them (CI)
    python mutants/run.py --without-torch      # as if PyTorch were not installed
    python mutants/run.py --list               # show the mutants, run nothing

Why not mutmut: mutmut skips decorated functions, and every op rule is
registered by a decorator; its 3.x trampolines also need the whole package
copied into ``mutants/`` by configuration. This script mutates whatever the
files contain (it reads their syntax tree, so it follows other people's edits),
names each mutant by *file, enclosing function and source snippet* (stable
when lines move), and runs each one in a forked worker that has already
imported pytest, hypothesis and torch, so a mutant costs its tests, not
seconds of imports. Each mutant runs its file's test selection with ``-x``,
with the test that killed the previous mutant of the same function first.

Equivalent mutants (no test *can* kill them: the behaviour is unchanged) are
listed with a reason in ``mutants/equivalent.txt``; they are left out of the
rate. The run fails when the kill rate is below ``--min-kill-rate``.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT_FILE = ROOT / "mutants" / "equivalent.txt"

# Per target file, the tests that exercise it, most targeted first (missing files are skipped,
# so the list survives renames); the file's own doctests always run first.
TARGETS: dict[str, list[str]] = {
    "autograd/engine/ops.py": [
        "tests/autograd/test_ops.py",
        "tests/autograd/test_forward.py",
        "tests/autograd/test_precision.py",
        "tests/autograd/test_value.py",
        "tests/autograd/test_torch.py",
        "tests/autograd/test_graph.py",
        "tests/autograd/test_custom_ops.py",
        "tests/autograd/test_gradcheck.py",
        "tests/peers/test_other_styles.py",
    ],
    "autograd/engine/graph.py": [
        "tests/autograd/test_graph.py",
        "tests/autograd/test_value.py",
        "tests/autograd/test_recording.py",
        "tests/autograd/test_testing.py",
        "tests/autograd/test_forward.py",
        "tests/autograd/test_gradcheck.py",
        "tests/autograd/test_engine.py",
        "tests/autograd/test_batched.py",
        "tests/peers/test_other_styles.py",
    ],
    # The closed forms the loss box narrates (nn's ClosedForm rules) are tested against backward() there.
    "nn/losses.py": [
        "tests/nn/test_losses.py",
        "tests/nn/test_golden.py",
        "tests/autograd/test_neuron_trace.py",
        "tests/autograd/test_naming.py",
    ],
    "nn/optimizers.py": ["tests/nn/test_optimizers.py", "tests/nn/test_golden.py"],
}

# ast operator swaps: each operator becomes the one a slip of the finger would give.
BINARY = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.Pow: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
}
COMPARE = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
BOOLEAN = {ast.And: ast.Or, ast.Or: ast.And}


@dataclass(frozen=True)
class Mutant:
    """One deliberate bug: where it is, what it changes, and how it is named.

    ``key`` (file, function, original snippet, mutated snippet) names a mutant
    independently of line numbers, so the equivalent-mutant list survives edits.
    """

    path: str
    function: str
    line: int
    start: int  # character offsets of the replaced source segment
    end: int
    original: str
    mutated: str
    occurrence: int = 0  # the n-th mutant with this same key in the file

    @property
    def key(self) -> str:
        """``path | function | original | mutated``, whitespace collapsed."""
        return " | ".join((self.path, self.function, _squash(self.original), _squash(self.mutated)))

    @property
    def digest(self) -> int:
        """A stable number from the key, for deterministic sampling."""
        text = f"{self.key}#{self.occurrence}".encode()
        return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")

    def apply(self, source: str) -> str:
        """The source with this mutant's segment replaced."""
        return source[: self.start] + self.mutated + source[self.end :]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- finding mutants ---------------------------------------------------------------------


# Keyword arguments that are test data, by the function they are passed to (autograd/engine/ops.py).
TEST_DATA_KEYWORDS = {
    "op": frozenset({"points", "reference", "test_domains"}),
    "Domain": frozenset({"low", "high", "excludes_zero"}),
}


class _Finder(ast.NodeVisitor):
    """Walk a module and collect every mutant, skipping what cannot change behaviour."""

    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.source = source
        self.line_starts = [0]
        for line in source.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.scope: list[str] = []
        self.found: list[Mutant] = []

    def offset(self, line: int, column: int) -> int:
        # ast columns are UTF-8 byte offsets; convert to a character offset in the line.
        start = self.line_starts[line - 1]
        text = self.source[start : self.line_starts[line]] if line < len(self.line_starts) else self.source[start:]
        return start + len(text.encode()[:column].decode(errors="ignore"))

    def add(self, node: ast.AST, mutated: str) -> None:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        original = self.source[start:end]
        if _squash(original) == _squash(mutated):
            return
        function = ".".join(self.scope) or "<module>"
        self.found.append(Mutant(self.path, function, node.lineno, start, end, original, mutated))  # type: ignore[attr-defined]

    # Scopes name the mutants; annotations, docstrings and messages are not behaviour.
    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if any(ast.unparse(decorator).endswith("overload") for decorator in node.decorator_list):
            return  # a typing stub: never runs
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.scope.append(node.name)
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.visit(default)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        for statement in body:
            self.visit(statement)
        self.scope.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.append(node.name)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        for statement in body:
            self.visit(statement)
        self.scope.pop()

    def visit_Raise(self, node: ast.Raise) -> None:
        return  # what a message says is tested by message tests, not by mutants

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_If(self, node: ast.If) -> None:
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Constant):
            return  # a bare string: a comment-like docstring
        self.generic_visit(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        return  # f-strings are messages and labels

    def visit_Call(self, node: ast.Call) -> None:
        # The op table carries its tests' data beside each rule (reference points, the mpmath
        # reference, where strategies draw, a domain's drawing bounds); changing it changes what
        # is tested, not what runs, so it is not mutated.
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        test_data = TEST_DATA_KEYWORDS.get(name, frozenset())
        self.visit(node.func)
        for argument in node.args:
            self.visit(argument)
        for keyword in node.keywords:
            if keyword.arg not in test_data:
                self.visit(keyword.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if "__all__" in names:
            return
        # At module level the assigned name is the scope, so `NONZERO = Domain(…)`'s
        # mutants are told apart from `REALS = Domain(…)`'s.
        named = not self.scope and bool(names)
        if named:
            self.scope.append(names[0])
        self.generic_visit(node)
        if named:
            self.scope.pop()

    def visit_BinOp(self, node: ast.BinOp) -> None:
        swap = BINARY.get(type(node.op))
        if swap is not None and not _is_string(node.left):
            self.add(node, _unparse(ast.BinOp(node.left, swap(), node.right)))
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        swap = BINARY.get(type(node.op))
        if swap is not None:
            self.add(node, ast.unparse(ast.AugAssign(node.target, swap(), node.value)))
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, (ast.USub, ast.Not)):
            self.add(node, _unparse(node.operand))  # drop the minus, or the not
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        for position, operator in enumerate(node.ops):
            swap = COMPARE.get(type(operator))
            if swap is not None:
                ops = list(node.ops)
                ops[position] = swap()
                self.add(node, _unparse(ast.Compare(node.left, ops, node.comparators)))
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        swap = BOOLEAN[type(node.op)]
        self.add(node, _unparse(ast.BoolOp(swap(), node.values)))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self.add(node, repr(not value))
        elif isinstance(value, int):
            self.add(node, repr(value + 1))
        elif isinstance(value, float):
            self.add(node, repr(value + 1.0) if value != -1.0 else "0.0")

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            self.add(node, "return None")
        self.generic_visit(node)

    def visit_Continue(self, node: ast.Continue) -> None:
        self.add(node, "break")

    def visit_Break(self, node: ast.Break) -> None:
        self.add(node, "continue")


def _is_string(node: ast.expr) -> bool:
    return isinstance(node, (ast.JoinedStr, ast.Constant)) and isinstance(getattr(node, "value", ""), str)


def _unparse(node: ast.expr) -> str:
    # Parentheses keep the mutated expression one operand wherever it sits.
    return f"({ast.unparse(node)})"


def find_mutants(path: str) -> list[Mutant]:
    r"""Every mutant of ``path`` (relative to the repository root), in source order.

    Example:
        >>> import tempfile, os
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     _ = Path(folder, "m.py").write_text("def f(x):\n    return x + 1\n")
        ...     [m.key for m in find_mutants(os.path.join(folder, "m.py"))][1:]
        [... | f | x + 1 | (x - 1)', '... | f | 1 | 2']
    """
    source = (ROOT / path).read_text()
    finder = _Finder(path, source)
    finder.visit(ast.parse(source))
    seen: dict[str, int] = {}
    numbered = []
    for mutant in sorted(finder.found, key=lambda m: (m.start, -m.end)):
        count = seen.get(mutant.key, 0)
        seen[mutant.key] = count + 1
        numbered.append(Mutant(**{**mutant.__dict__, "occurrence": count}))
    # Keep only mutants that still parse (an unparse inside an f-string spec, say, may not).
    return [m for m in numbered if _parses(m.apply(source))]


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


# --- the equivalent-mutant list ------------------------------------------------------------


def read_equivalent(path: Path = EQUIVALENT_FILE) -> dict[str, str]:
    """The listed equivalent mutants: key → reason. Lines: ``file | function | original | mutated | reason``."""
    listed: dict[str, str] = {}
    if not path.exists():
        return listed
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [part.strip() for part in line.split(" | ")]
        if len(parts) != 5 or not parts[4]:
            raise SystemExit(f"{path}:{number}: expected 'file | function | original | mutated | reason', got {line!r}")
        listed[" | ".join(_squash(p) for p in parts[:4])] = parts[4]
    return listed


# --- running mutants -----------------------------------------------------------------------


@dataclass
class Outcome:
    """What happened to one mutant."""

    mutant: Mutant
    status: str  # "killed", "survived", "timeout", "equivalent"
    seconds: float
    killer: str = ""


@dataclass
class Worker:
    """A copy of the repository and a process holding the heavy imports, forking one child per mutant."""

    folder: Path
    process: subprocess.Popen[bytes]
    killers: dict[str, str] = field(default_factory=dict)
    buffer: bytes = b""

    def send(self, job: dict[str, object]) -> None:
        """Hand the worker one job: a JSON line on its stdin."""
        stdin = self.process.stdin
        if stdin is None:  # pragma: no cover - always piped
            raise RuntimeError("mutants: the worker has no stdin")
        stdin.write(json.dumps(job).encode() + b"\n")
        stdin.flush()

    def receive(self, timeout: float) -> dict[str, object] | None:
        """The worker's next JSON line, or None after ``timeout`` seconds (unbuffered, so select stays truthful)."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            remaining = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.fileno], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(self.fileno, 65536)
            if not chunk:
                return {"code": -1, "killer": "worker exited"}
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return dict(json.loads(line))

    @property
    def fileno(self) -> int:
        """The worker's stdout, read without Python's buffering."""
        stdout = self.process.stdout
        if stdout is None:  # pragma: no cover - always piped
            raise RuntimeError("mutants: the worker has no stdout")
        return stdout.fileno()


WORKER_CODE = r"""
import json, os, sys, signal
hide_torch = os.environ.get("GLASSGRAD_MUTANTS_HIDE_TORCH") == "1"
import pytest, hypothesis  # the imports every mutant would otherwise pay for
# Registered before the suite's conftest loads HYPOTHESIS_PROFILE, so "mutants" is found there.
hypothesis.settings.register_profile(
    "mutants",
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=int(os.environ.get("GLASSGRAD_MUTANTS_EXAMPLES", "15")),
    # Only what CI's profile suppresses: a mutant that makes a strategy filter out everything
    # must fail the health check, not pass with no examples.
    suppress_health_check=[hypothesis.HealthCheck.too_slow],
)
if hide_torch:
    sys.modules["torch"] = None  # import torch now raises ModuleNotFoundError, as when it is not installed
else:
    try:
        import torch, torch.func
    except ModuleNotFoundError:
        pass
folder = sys.argv[1]
os.chdir(folder)
sys.path.insert(0, folder)

class Killer:
    def __init__(self, first):
        self.first = first
        self.failed = ""
    def pytest_collection_modifyitems(self, session, config, items):
        # The test that killed the last mutant of this function runs first. (Passing its node id
        # as an argument would make pytest skip the rest of its file as a duplicate.)
        items.sort(key=lambda item: item.nodeid != self.first)
    def pytest_runtest_logreport(self, report):
        if report.failed and not self.failed:
            self.failed = report.nodeid

for line in sys.stdin:
    job = json.loads(line)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1); os.dup2(devnull, 2)
        killer = Killer(job.get("first", ""))
        code = pytest.main(job["args"], plugins=[killer])
        os.write(write, json.dumps({"code": int(code), "killer": killer.failed}).encode())
        os._exit(0)
    os.close(write)
    print(json.dumps({"pid": child, "pipe": read}), flush=True)
    chunks = []
    while True:
        chunk = os.read(read, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read)
    os.waitpid(child, 0)
    result = b"".join(chunks).decode() or json.dumps({"code": -1, "killer": ""})
    print(result, flush=True)
"""


def _copy_repository(destination: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True)
    names = files.stdout.splitlines() if files.returncode == 0 else []
    if not names:  # not a git checkout: copy the packages and tests
        names = [str(p.relative_to(ROOT)) for folder in ("autograd", "nn", "tests") for p in (ROOT / folder).rglob("*")]
        names += ["pyproject.toml"]
    for name in names:
        source = ROOT / name
        if source.is_file() and not name.startswith(("notebooks/", "docs/")):
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _start_worker(folder: Path, hide_torch: bool, examples: int) -> Worker:
    # Fewer hypothesis examples than CI's 60: a mutant is a blatant bug, and most die on the
    # first examples; the time goes to the survivors, which run every selected test.
    environment = {**os.environ, "PYTHONPATH": str(folder), "HYPOTHESIS_PROFILE": "mutants"}
    environment["GLASSGRAD_MUTANTS_EXAMPLES"] = str(examples)
    environment["GLASSGRAD_MUTANTS_HIDE_TORCH"] = "1" if hide_torch else "0"
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER_CODE, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        bufsize=0,
        env=environment,
        start_new_session=True,
    )
    return Worker(folder, process)


def _tests_for(path: str) -> list[str]:
    return [path] + [test for test in TARGETS.get(path, []) if (ROOT / test).exists()]


def _arguments(mutant: Mutant) -> list[str]:
    return ["-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *_tests_for(mutant.path)]


def _send(worker: Worker, arguments: list[str], first: str = "") -> int:
    worker.send({"args": arguments, "first": first})
    started = worker.receive(60.0)
    if started is None or "pid" not in started:
        raise SystemExit(f"mutants: a worker did not start its test run ({started}).")
    return int(str(started["pid"]))


def run_mutants(mutants: list[Mutant], workers: list[Worker], timeouts: dict[str, float]) -> Iterator[Outcome]:
    """Run each mutant in a free worker (``timeouts`` seconds per file); yield outcomes as they finish."""
    pending = list(mutants)
    busy: dict[int, tuple[Worker, Mutant, int, float, str]] = {}
    originals: dict[str, str] = {m.path: (ROOT / m.path).read_text() for m in mutants}
    free = list(range(len(workers)))
    while pending or busy:
        while pending and free:
            index = free.pop()
            worker = workers[index]
            mutant = pending.pop(0)
            (worker.folder / mutant.path).write_text(mutant.apply(originals[mutant.path]))
            child = _send(worker, _arguments(mutant), worker.killers.get(f"{mutant.path}::{mutant.function}", ""))
            busy[index] = (worker, mutant, child, time.monotonic(), originals[mutant.path])
        select.select([workers[i].fileno for i in busy], [], [], 1.0)
        now = time.monotonic()
        for index, (worker, mutant, child, started, original) in list(busy.items()):
            result = worker.receive(0.0)
            if result is None and now - started > timeouts[mutant.path]:
                with contextlib.suppress(ProcessLookupError):  # it may have finished just now
                    os.kill(child, signal.SIGKILL)
                result = worker.receive(30.0) or {"code": -9, "killer": "timeout"}
                result["timeout"] = True
            if result is None:
                continue
            (worker.folder / mutant.path).write_text(original)
            del busy[index]
            free.append(index)
            code = int(result.get("code", -1))  # type: ignore[call-overload]
            killer = str(result.get("killer", ""))
            if result.get("timeout"):
                status = "timeout"
            elif code == 0 or code == 5:  # 5: no tests collected, nothing could fail
                status = "survived"
            else:
                status = "killed"
                if killer and killer != "timeout" and "::" in killer:
                    worker.killers[f"{mutant.path}::{mutant.function}"] = killer
            yield Outcome(mutant, status, now - started, killer)


def _baseline(worker: Worker, paths: list[str], timeout: float) -> dict[str, float]:
    """Run every file's selection once unmutated: it must pass, and its time sets that file's timeout."""
    seconds = {}
    for path in paths:
        started = time.monotonic()
        _send(worker, ["-q", "-p", "no:randomly", "-p", "no:cacheprovider", *_tests_for(path)])
        result = worker.receive(timeout)
        if result is None or result.get("code") != 0:
            raise SystemExit(f"mutants: the unmutated tests for {path} do not pass ({result}); fix them first.")
        seconds[path] = time.monotonic() - started
    return seconds


def main(argv: list[str] | None = None) -> int:
    """Find, run and report the mutants; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=list(TARGETS), help="files to mutate (default: %(default)s)")
    parser.add_argument(
        "--sample", type=float, default=1.0, help="fraction of mutants to run, chosen by a hash of each key"
    )
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers (default: 2)")
    parser.add_argument("--timeout", type=float, default=0.0, help="seconds per mutant (default: 3x the baseline + 30)")
    parser.add_argument("--min-kill-rate", type=float, default=0.0, help="fail below this kill rate, in %%")
    parser.add_argument("--without-torch", action="store_true", help="hide PyTorch, as if it were not installed")
    parser.add_argument("--examples", type=int, default=15, help="hypothesis examples per property (default: 15)")
    parser.add_argument("--match", default="", help="run only mutants whose key matches this regular expression")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--report", type=Path, help="write the outcomes as JSON here")
    options = parser.parse_args(argv)
    if not 0.0 < options.sample <= 1.0:
        parser.error(f"--sample got {options.sample!r}; expected a fraction in (0, 1].")

    # A plain `kill` must still stop the workers (the finally below).
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(143))
    equivalent = read_equivalent()
    mutants = [m for path in options.paths for m in find_mutants(path)]
    chosen = [m for m in mutants if m.digest < options.sample * 2**64 and re.search(options.match, m.key)]
    if options.list:
        for m in chosen:
            mark = "  (equivalent)" if m.key in equivalent else ""
            print(f"{m.path}:{m.line}: [{m.function}] {_squash(m.original)!r} -> {_squash(m.mutated)!r}{mark}")
        print(f"{len(chosen)} of {len(mutants)} mutants")
        return 0
    to_run = [m for m in chosen if m.key not in equivalent]
    known = [m for m in chosen if m.key in equivalent]
    # Only entries for the files this run read can be judged stale.
    stale = sorted(k for k in set(equivalent) - {m.key for m in mutants} if k.split(" | ")[0] in options.paths)

    with tempfile.TemporaryDirectory(prefix="glassgrad-mutants-") as scratch:
        workers = []
        for number in range(max(1, options.jobs)):
            folder = Path(scratch, f"worker{number}")
            _copy_repository(folder)
            workers.append(_start_worker(folder, options.without_torch, options.examples))
        try:
            started = time.monotonic()
            baseline = _baseline(workers[0], sorted({m.path for m in to_run}), 3600)
            # A mutant that makes a test loop forever counts as killed once it takes 3x the clean run.
            timeouts = {path: options.timeout or 3 * seconds + 30 for path, seconds in baseline.items()}
            print(
                f"mutants: {len(to_run)} to run ({len(known)} listed as equivalent) of {len(mutants)} in "
                f"{', '.join(options.paths)}; unmutated tests "
                + ", ".join(f"{path} {seconds:.0f} s" for path, seconds in baseline.items())
                + f"; {len(workers)} workers, torch {'hidden' if options.without_torch else 'as installed'}",
                flush=True,
            )
            outcomes = []
            for count, outcome in enumerate(run_mutants(to_run, workers, timeouts), 1):
                outcomes.append(outcome)
                if outcome.status == "survived":
                    m = outcome.mutant
                    change = f"{_squash(m.original)!r} -> {_squash(m.mutated)!r}"
                    print(f"  SURVIVED {m.path}:{m.line} [{m.function}] {change}", flush=True)
                if count % 25 == 0:
                    print(f"  … {count}/{len(to_run)} in {time.monotonic() - started:.0f} s", flush=True)
            elapsed = time.monotonic() - started
        finally:
            for worker in workers:
                worker.process.kill()
                worker.process.wait()

    outcomes += [Outcome(m, "equivalent", 0.0) for m in known]
    return _report(outcomes, options, elapsed, stale)


def _report(outcomes: list[Outcome], options: argparse.Namespace, elapsed: float, stale: list[str]) -> int:
    rows = []
    total_killed = total_counted = 0
    for path in options.paths:
        mine = [o for o in outcomes if o.mutant.path == path]
        killed = sum(o.status in ("killed", "timeout") for o in mine)
        counted = sum(o.status != "equivalent" for o in mine)
        equivalent = sum(o.status == "equivalent" for o in mine)
        total_killed += killed
        total_counted += counted
        rate = 100.0 * killed / counted if counted else 100.0
        rows.append((path, len(mine), equivalent, killed, counted - killed, rate))
    print(f"\n{'file':<20} {'mutants':>7} {'equiv':>5} {'killed':>6} {'survived':>8} {'kill rate':>9}")
    for path, count, equivalent, killed, survived, rate in rows:
        print(f"{path:<20} {count:>7} {equivalent:>5} {killed:>6} {survived:>8} {rate:>8.1f}%")
    overall = 100.0 * total_killed / total_counted if total_counted else 100.0
    survived = total_counted - total_killed
    print(f"{'total':<20} {len(outcomes):>7} {'':>5} {total_killed:>6} {survived:>8} {overall:>8.1f}%")
    print(f"mutation run: {elapsed:.0f} s with {options.jobs} workers")
    for key in stale:
        print(f"note: mutants/equivalent.txt lists a mutant the code no longer has: {key}")
    if options.report:
        options.report.write_text(
            json.dumps(
                [
                    {
                        "key": o.mutant.key,
                        "line": o.mutant.line,
                        "status": o.status,
                        "seconds": round(o.seconds, 2),
                        "killer": o.killer,
                    }
                    for o in outcomes
                ],
                indent=1,
                ensure_ascii=False,
            )
        )
    if overall < options.min_kill_rate:
        print(f"mutants: FAILED, kill rate {overall:.1f}% is below the required {options.min_kill_rate}%.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
