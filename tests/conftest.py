"""Shared fixtures. Every test runs with its own SEQLAB_HOME, so nothing touches ~/.cache/seqlab."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# torch's OpenMP threads wait for each other by spinning. When the two cores are busy (a subprocess test, another
# job on a shared CI machine), each parallel region then waits for a thread that is not scheduled: a tiny LSTM test
# took 183 s instead of 23 s beside one other two-thread job. Passive waiting (sleeping) avoids that. Set before
# anything imports torch; subprocesses inherit it; a value already in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# The tests read English unless they choose Korean (--lang ko, use_language): a Python session now starts in the
# language of SEQLAB_LANG or the locale, and a developer's Korean shell must not change what the tests see. The
# tests of that choice give the subprocess its own environment.
os.environ["SEQLAB_LANG"] = "en"

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_NSMC = Path(__file__).resolve().parents[2] / "shared" / "data" / "nsmc" / "train.tsv"
KOREAN = "안녕하세요, 오늘 날씨가 정말 좋네요"


WEB_TESTS = "tests/web/"
# The longest files after the web tests, longest first (a --durations=0 run, 2026-11-30: 95 s down to 20 s): with
# them handed out early, the short files fill the end and neither worker waits long for the other's last file.
LONG_FILES = ["tests/cli/test_strict.py", "tests/training/test_models_and_cli.py", "tests/training/test_forecast.py",
              "tests/pretrained/test_e5_conversion.py", "tests/cli/test_review4.py", "tests/cli/test_cli.py",
              "tests/cli/test_refused_and_said.py", "tests/tokens/test_lazy_unigram.py", "tests/vectors/test_corpus_job.py",
              "tests/test_i18n.py", "tests/vectors/test_kiwi_vectors.py", "tests/training/test_best_ensemble.py",
              "tests/cli/test_vectors_cli.py", "tests/test_notebooks.py"]


def _hand_out_order(nodeid: str) -> int:
    if nodeid.startswith(WEB_TESTS):
        return 0
    path = nodeid.split("::")[0]
    return 1 + LONG_FILES.index(path) if path in LONG_FILES else 1 + len(LONG_FILES)


def pytest_collection_modifyitems(config, items):
    """The web tests first, then the longest files: with ``make test``'s workers each file is one unit of work (the
    web tests one together), handed out in this order, and a long unit handed out last would leave the other worker
    idle. The sort is stable: tests keep their order within a file."""
    items.sort(key=lambda item: _hand_out_order(item.nodeid))


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` (``make test``), with the web tests as one unit instead of one per file.

    Each test file stays one unit, so its module fixtures (a trained run) are built once. The web tests go to one
    worker together, so that only one worker starts the web server, Chromium and the analogy panel's word vectors
    (about 35 s of a worker's time). pytest-xdist's own ``loadgroup`` would do this with marks, but it does not
    group under pytest 9 (it renames ``_nodeid``, which pytest 9 no longer reports).
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    config.option.loadscopereorder = False  # hand out in collection order (above), not by the number of tests

    class WebTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return WEB_TESTS if nodeid.startswith(WEB_TESTS) else super()._split_scope(nodeid)

    return WebTogether(config, log)


@pytest.fixture(scope="session", autouse=True)
def seqlab_home(tmp_path_factory, worker_id) -> Path:
    """One cache for the whole session, shared by the xdist workers (the e5 conversion, the default vocabularies and
    Kiwi's word vectors are built once: seqlab builds each cache under a lock, so a second worker waits for the first
    and reads its file, as a second seqlab process does)."""
    given = os.environ.get("SEQLAB_TEST_HOME")
    if given:
        home = Path(given)
    elif worker_id != "master":  # the workers' temporary folders share this parent
        home = tmp_path_factory.getbasetemp().parent / "seqlab_home"
        home.mkdir(exist_ok=True)
    else:
        home = tmp_path_factory.mktemp("seqlab_home")
    os.environ["SEQLAB_HOME"] = str(home)
    os.environ["HF_HUB_OFFLINE"] = "1"  # tests never touch the network
    return home


@pytest.fixture(scope="session")
def nsmc_rows() -> list[tuple[str, str, str]]:
    """2,000 NSMC-format reviews (committed sample: emoji, ㅋㅋㅋ, full-width, mixed scripts included)."""
    with open(FIXTURES / "nsmc_sample.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [tuple(r) for r in rows[1:]]


@pytest.fixture(scope="session")
def reviews(nsmc_rows) -> list[str]:
    return [r[1] for r in nsmc_rows]


@pytest.fixture(scope="session")
def korean() -> str:
    """The sentence of the README and of `make run`."""
    return KOREAN


def run_cli(*args: str, input: bytes | None = None, env: dict | None = None, timeout: int = 300):
    """Run the real ``seqlab`` console script in a subprocess (true exit codes, true stderr)."""
    exe = Path(sys.executable).parent / "seqlab"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "seqlab"]
    return subprocess.run([*cmd, *args], input=input, capture_output=True, timeout=timeout, check=False,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def cli_process():
    """``cli_process("tokenize", "안녕")``: the console script in a subprocess -> CompletedProcess."""
    return run_cli


@pytest.fixture
def cli(capsys):
    """``cli("tokenize", "안녕", "--json")``: the CLI in this process -> (exit code, stdout, stderr)."""
    from seqlab.cli import main

    def run(*args: str):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian chromium for the whole session (Playwright's sync API allows one running instance
    per thread, so the web page tests and the notebook-output tests share it)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def _torch_default_threads() -> int:
    """torch's own thread count for this machine, read before any test changes it."""
    import torch

    return torch.get_num_threads()


@pytest.fixture(autouse=True)
def _restore_torch_threads(_torch_default_threads):
    """A test (or a library call such as the web server's warm-up) may set torch's thread count; the next test
    gets the default back. Results that must be bit-identical across processes (a resumed corpus job) depend on it."""
    yield
    torch = sys.modules["torch"]
    if torch.get_num_threads() != _torch_default_threads:
        torch.set_num_threads(_torch_default_threads)
