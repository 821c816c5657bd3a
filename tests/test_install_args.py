"""scripts/uv_index_args.py hands pip's index settings to uv: the same indexes, with pip's precedence."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "uv_index_args.py"
spec = importlib.util.spec_from_file_location("uv_index_args", SCRIPT)
uv_index_args = importlib.util.module_from_spec(spec)
spec.loader.exec_module(uv_index_args)

LISTING = """\
:env:.cert='/etc/ssl/certs/ca-certificates.crt'
:env:.default-timeout='180'
:env:.find-links='/opt/env-wheels'
global.constraint='/etc/xdg/pip/constraints.txt'
global.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple'
global.find-links='/opt/wheels'
global.index-url='https://mirror.example/simple'
install.index-url='https://other.example/simple'
"""


def test_pip_settings_become_uv_options_with_pips_precedence():
    args = uv_index_args.uv_args(uv_index_args.pip_settings(LISTING))
    assert args == [
        "--index-strategy", "unsafe-best-match",  # pip takes the best version from any index
        "--native-tls",
        "--index-url", "https://other.example/simple",  # [install] beats [global]
        "--extra-index-url", "file:///opt/pypi/simple", "--extra-index-url", "file:///opt/pypi-more/simple",
        "--find-links", "/opt/env-wheels",  # PIP_FIND_LINKS beats the files
        "--constraint", "/etc/xdg/pip/constraints.txt",
    ]


def test_without_pip_configuration_uv_uses_its_defaults():
    assert uv_index_args.uv_args(uv_index_args.pip_settings("")) == ["--index-strategy", "unsafe-best-match"]
