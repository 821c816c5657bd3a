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
