"""The project's setup, not a module of the package: pyproject.toml and environment.yml list the
same packages with the same lower bounds; CI's Hypothesis profile is deterministic; ``make
report`` prints the two paths the README promises."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib

import pytest

from bulletin.core import paths


def test_ci_profile_is_deterministic():
    from hypothesis import settings

    profile = settings.get_profile("ci")
    assert profile.derandomize is True and profile.database is None


PYPROJECT = paths.PROJECT_ROOT / "pyproject.toml"


ENVIRONMENT = paths.PROJECT_ROOT / "environment.yml"


#: conda-only entries of environment.yml that are not Python dependencies of the package
CONDA_ONLY = {"python", "pip"}


_REQ = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*?)\s*(?:;.*)?$")


def normalise(name: str) -> str:
    """PEP 503 name: conda-forge and PyPI spell some names with _ or . where the other uses -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(text: str) -> tuple[str, str | None]:
    """``"pandas>=2.2"`` → ``("pandas", "2.2")``; a requirement without ``>=`` has no lower bound."""
    match = _REQ.fullmatch(text)
    assert match, f"cannot read the requirement {text!r}"
    name, spec = match.groups()
    lower = None
    for part in filter(None, (p.strip() for p in spec.split(","))):
        if part.startswith(">="):
            lower = part[2:].strip()
        elif part.startswith(("==", "~=")):
            lower = part[2:].strip().rstrip(".*")
    return normalise(name), lower


def pyproject_requirements() -> dict[str, str | None]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"]) + list(project.get("optional-dependencies", {}).get("test", []))
    out: dict[str, str | None] = {}
    for req in reqs:
        name, lower = parse_requirement(req)
        assert name not in out, f"{name} listed twice in pyproject.toml"
        out[name] = lower
    return out


def environment_dependencies(text: str) -> list[str]:
    """The conda and pip dependency strings of an environment.yml.

    Uses PyYAML when it is installed; otherwise a reader of the small subset environment files use
    (a ``dependencies:`` list of strings, with one nested ``- pip:`` list).
    """
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML comes with jupyter
        return _environment_dependencies_plain(text)
    doc = yaml.safe_load(text)
    out: list[str] = []
    for item in doc["dependencies"]:
        if isinstance(item, dict):
            out.extend(item.get("pip", []))
        else:
            out.append(str(item))
    return out


def _environment_dependencies_plain(text: str) -> list[str]:
    out: list[str] = []
    in_deps = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not line.startswith((" ", "-")):
            in_deps = line.startswith("dependencies:")
            continue
        item = line.strip()
        if in_deps and item.startswith("- ") and not item.endswith(":"):
            out.append(item[2:].strip().strip("'\""))
    return out


def environment_requirements(text: str | None = None) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    text = ENVIRONMENT.read_text(encoding="utf-8") if text is None else text
    for dep in environment_dependencies(text):
        # conda spells a bound "pandas>=2.2" or "pandas >=2.2"; a bare "=2.2" pins a version
        dep = re.sub(r"^([A-Za-z0-9._-]+)\s*=(?=[0-9])", r"\1==", dep.strip())
        name, lower = parse_requirement(dep)
        if name in CONDA_ONLY:
            continue
        assert name not in out, f"{name} listed twice in environment.yml"
        out[name] = lower
    return out


def test_same_packages_and_lower_bounds():
    py, env = pyproject_requirements(), environment_requirements()
    assert py, "no dependencies read from pyproject.toml"
    assert sorted(set(py) - set(env)) == [], "in pyproject.toml but not in environment.yml"
    assert sorted(set(env) - set(py)) == [], "in environment.yml but not in pyproject.toml"
    assert {k: env[k] for k in sorted(env)} == {k: py[k] for k in sorted(py)}


def test_every_dependency_has_a_lower_bound():
    for name, lower in {**pyproject_requirements(), **environment_requirements()}.items():
        assert lower, f"{name} has no lower bound"


def test_python_versions_agree():
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    requires = project["requires-python"]
    deps = environment_dependencies(ENVIRONMENT.read_text(encoding="utf-8"))
    python = [d for d in deps if normalise(re.split(r"[<>=!~ ]", d, maxsplit=1)[0]) == "python"]
    assert len(python) == 1, "environment.yml should pin python once"
    assert parse_requirement(python[0])[1] == parse_requirement("python" + requires)[1]


SAMPLE = """\
# a comment
name: demo
channels:
  - conda-forge
dependencies:
  - python>=3.11
  - pip
  - Pandas >=2.2  # spaced, capitalised
  - ruamel.yaml>=0.18
  - pip:
      - mplfonts>=0.0.10
variables:
  - not: a dependency
"""


@pytest.mark.parametrize("reader", ["yaml", "plain"])
def test_the_environment_reader(reader):
    read = _environment_dependencies_plain if reader == "plain" else environment_dependencies
    deps = read(SAMPLE)
    assert deps == ["python>=3.11", "pip", "Pandas >=2.2", "ruamel.yaml>=0.18", "mplfonts>=0.0.10"]
    assert [parse_requirement(d) for d in deps[2:]] == [
        ("pandas", "2.2"), ("ruamel-yaml", "0.18"), ("mplfonts", "0.0.10"),
    ]


def test_the_requirement_parser():
    assert parse_requirement("pandas>=2.2,<4") == ("pandas", "2.2")
    assert parse_requirement("pytest-xdist >= 3.5") == ("pytest-xdist", "3.5")
    assert parse_requirement("nbval") == ("nbval", None)
    assert parse_requirement("papermill[all]>=2.6; python_version>='3.11'") == ("papermill", "2.6")


def test_a_drifted_bound_would_be_seen():
    text = ENVIRONMENT.read_text(encoding="utf-8")
    assert "pandas>=" in text
    drifted = environment_requirements(re.sub(r"pandas>=[0-9.]+", "pandas>=1.0", text))
    assert drifted["pandas"] == "1.0" != pyproject_requirements()["pandas"]
    assert environment_requirements(text) != environment_requirements(text.replace("  - tqdm", "  - tqdm2"))


MAKE = shutil.which("make")


@pytest.mark.skipif(MAKE is None, reason="make not found")
def test_make_report_prints_the_two_paths_the_readme_promises(tmp_path):
    # make report with a stand-in for the installed `bulletin` (the recipe, not the batch, is under test)
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    fake = venv / "bin" / "bulletin"
    fake.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    fake.chmod(0o755)
    (venv / ".installed-stamp").touch()
    os.utime(venv / ".installed-stamp", (2**31, 2**31))  # newer than pyproject.toml: no set-up
    done = subprocess.run([MAKE, "-s", "report", f"VENV={venv}"], cwd=paths.PROJECT_ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "reports/index.html" in done.stdout and "reports/2020-02/index.html" in done.stdout, done.stdout
    readme = " ".join((paths.PROJECT_ROOT / "README.md").read_text("utf-8").split())
    assert "`reports/index.html`" in readme and "`reports/2020-02/index.html`" in readme
