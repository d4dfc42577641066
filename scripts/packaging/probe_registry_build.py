"""A PEP 517 build backend for probe_registry, standard library only.

Why not setuptools or flit: building through them first downloads them
from PyPI, and probe's machines (and some teams' CI) reach only a package
mirror or nothing. The package is a folder of pure-Python modules, so a
wheel is a zip of them plus the metadata PEP 427 / PEP 566 describe.
pyproject.toml's [project] table is the only source of the metadata.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
import tomllib
import zipfile
from typing import Any, Optional

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SOURCE = os.path.join(ROOT, "scripts")
PACKAGE = "probe_registry"

__all__ = ["build_editable", "build_sdist", "build_wheel",
           "get_requires_for_build_editable", "get_requires_for_build_sdist",
           "get_requires_for_build_wheel"]


def _project() -> dict[str, Any]:
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as file:
        project: dict[str, Any] = tomllib.load(file)["project"]
    return project


def _dist_name(project: dict[str, Any]) -> str:
    return f"{project['name'].replace('-', '_')}-{project['version']}"


def _metadata(project: dict[str, Any]) -> bytes:
    lines = ["Metadata-Version: 2.1", f"Name: {project['name']}",
             f"Version: {project['version']}",
             f"Summary: {project['description']}",
             f"Requires-Python: {project['requires-python']}"]
    readme = project.get("readme")
    body = ""
    if readme:
        lines.append("Description-Content-Type: text/markdown")
        with open(os.path.join(ROOT, readme), encoding="utf-8") as file:
            body = "\n" + file.read()
    return ("\n".join(lines) + "\n" + body).encode("utf-8")


def _package_files() -> list[tuple[str, str]]:
    """(archive name, path) of the package's modules and README."""
    folder = os.path.join(SOURCE, PACKAGE)
    return [(f"{PACKAGE}/{name}", os.path.join(folder, name))
            for name in sorted(os.listdir(folder))
            if name.endswith(".py") or name == "README.md"]


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
    return f"{name},sha256={digest.rstrip(b'=').decode()},{len(data)}"


def _write_wheel(directory: str, contents: dict[str, bytes]) -> str:
    project = _project()
    dist = _dist_name(project)
    info = f"{dist}.dist-info"
    contents = dict(contents)
    contents[f"{info}/METADATA"] = _metadata(project)
    contents[f"{info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: probe_registry_build\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n").encode()
    scripts = project.get("scripts", {})
    if scripts:
        contents[f"{info}/entry_points.txt"] = ("[console_scripts]\n" + "".join(
            f"{name} = {target}\n" for name, target in scripts.items())
        ).encode()
    record = [_record_line(name, data) for name, data in contents.items()]
    record.append(f"{info}/RECORD,,")
    contents[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    filename = f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(directory, filename), "w",
                         zipfile.ZIP_DEFLATED) as wheel:
        for name, data in contents.items():
            wheel.writestr(name, data)
    return filename


def get_requires_for_build_wheel(
        config_settings: Optional[dict[str, Any]] = None) -> list[str]:
    return []


get_requires_for_build_sdist = get_requires_for_build_wheel
get_requires_for_build_editable = get_requires_for_build_wheel


def build_wheel(wheel_directory: str,
                config_settings: Optional[dict[str, Any]] = None,
                metadata_directory: Optional[str] = None) -> str:
    contents: dict[str, bytes] = {}
    for name, path in _package_files():
        with open(path, "rb") as file:
            contents[name] = file.read()
    return _write_wheel(wheel_directory, contents)


def build_editable(wheel_directory: str,
                   config_settings: Optional[dict[str, Any]] = None,
                   metadata_directory: Optional[str] = None) -> str:
    # a .pth line puts the checkout's scripts/ on sys.path: edits there
    # take effect without reinstalling
    return _write_wheel(wheel_directory,
                        {f"__editable__.{PACKAGE}.pth": f"{SOURCE}\n".encode()})


def build_sdist(sdist_directory: str,
                config_settings: Optional[dict[str, Any]] = None) -> str:
    project = _project()
    dist = _dist_name(project)
    members = [("pyproject.toml", os.path.join(ROOT, "pyproject.toml")),
               ("scripts/packaging/probe_registry_build.py",
                os.path.abspath(__file__))]
    members += [(f"scripts/{name}", path) for name, path in _package_files()]
    filename = f"{dist}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as tar:
        for name, path in members:
            tar.add(path, arcname=f"{dist}/{name}")
        info = tarfile.TarInfo(f"{dist}/PKG-INFO")
        data = _metadata(project)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return filename
