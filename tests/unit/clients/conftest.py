"""Make ``src`` importable when zorgid is not installed in the environment running the tests."""

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("zorgid") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "src"))
