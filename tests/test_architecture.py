"""The layers are a contract: import-linter's contracts pass, and no two seqlab modules import each other in a cycle.

Imports inside functions count: a lazy import is still an import.
"""

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), i.e. import cycles."""
    modules = sorted(m for m in graph.modules if m.startswith("seqlab"))
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.find_modules_directly_imported_by(v)):
            if not w.startswith("seqlab"):
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for m in modules:
        if m not in index:
            visit(m)
    return found


def test_no_import_cycle_between_seqlab_modules():
    graph = grimp.build_graph("seqlab", include_external_packages=False)
    # a package's __init__ importing its own submodules is how packages export names, not a cycle of concepts
    for module in list(graph.modules):
        for child in graph.find_children(module):
            if graph.direct_import_exists(importer=module, imported=child):
                graph.remove_import(importer=module, imported=child)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_cycles():
    graph = grimp.ImportGraph()
    for name in ("seqlab.a", "seqlab.b", "seqlab.c"):
        graph.add_module(name)
    graph.add_import(importer="seqlab.a", imported="seqlab.b")
    graph.add_import(importer="seqlab.b", imported="seqlab.a")
    graph.add_import(importer="seqlab.b", imported="seqlab.c")
    assert _cycles(graph) == [["seqlab.a", "seqlab.b"]]


def test_import_linter_contracts_pass():
    exe = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(exe), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_one_owner_per_fact_where_a_copy_must_stay_light():
    """A few names are written out again where importing their owner would load NumPy at the CLI's start-up or in a
    schema; each copy is tied to its owner here, so that they cannot drift apart (STYLE habit 15)."""
    import typing

    from seqlab.cli.lab_cmd import CELLS as LAB_CLI_CELLS
    from seqlab.cli.trace_cmd import CELLS as TRACE_CLI_CELLS
    from seqlab.lab.gradflow import CELLS as GRADFLOW_CELLS
    from seqlab.lab.longterm import CELLS as LONGTERM_CELLS
    from seqlab.pretrained.registry import VOCAB_KINDS
    from seqlab.scratch.cells import CELLS
    from seqlab.text.unicode import FORMS
    from seqlab.tokens.default_vocab import VOCAB_TOKENIZERS
    from seqlab.training.networks import CELLS as NETWORK_CELLS
    from seqlab.web.schemas import GradflowBody, NormalizeBody, TraceBody

    names = tuple(CELLS)
    assert LAB_CLI_CELLS == GRADFLOW_CELLS == LONGTERM_CELLS == names
    assert TRACE_CLI_CELLS[:3] == names and set(NETWORK_CELLS) == set(names)
    from seqlab.training.kinds import CELLS as TRAINED_CELLS
    from seqlab.training.option_use import RECURRENT_MODELS

    assert NETWORK_CELLS is TRAINED_CELLS and RECURRENT_MODELS[:3] == TRAINED_CELLS  # the trainers', predictors', CLI's
    assert set(typing.get_args(TraceBody.model_fields["cell"].annotation)) == set(names)
    cells_item = typing.get_args(GradflowBody.model_fields["cells"].annotation)[0]
    assert set(typing.get_args(cells_item)) == set(names)
    assert set(VOCAB_TOKENIZERS) == set(VOCAB_KINDS)
    assert set(typing.get_args(NormalizeBody.model_fields["form"].annotation)) == set(FORMS) - {"none"}


def test_every_data_file_of_the_package_is_shipped():
    """A wheel carries only what package-data names, and an editable install (CI, make test) never notices: the
    page's scripts in static/app/ were left out once, so that an installed seqlab served no page."""
    import glob
    import tomllib

    package = ROOT / "seqlab"
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["seqlab"]
    shipped = {Path(p) for pattern in patterns for p in glob.glob(pattern, root_dir=package)}
    data = {p.relative_to(package) for p in package.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    assert data and not data - shipped, sorted(map(str, data - shipped))
