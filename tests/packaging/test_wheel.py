"""The built wheel carries everything the service needs: installed into a fresh virtual
environment outside the checkout, the app answers every widget, the loader, a page and a
static file (widgets/ and static/ stand at the repository's top level, the wheel moves them
into the package)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PA = "niedersachsen-packt-an"
EXAMPLES = {
    "projects": f"alliance={PA}",
    "events": "alliance=all",
    "partners": f"alliance={PA}",
    "banner": f"alliance={PA}&call=partner-werden",
    "badge": f"alliance={PA}&partner=landkreis-peine",
    "submit": f"alliance={PA}",
}

CHECK = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import widget_service
    from widget_service import create_app

    examples = json.loads(sys.argv[1])
    app = create_app()
    client = app.test_client()
    answers = {"package": str(Path(widget_service.__file__).resolve().parent)}
    for name, query in examples.items():
        for form in ("embed", "fragment"):
            response = client.get(f"/{form}/{name}?{query}")
            answers[f"/{form}/{name}"] = [response.status_code, response.get_data(as_text=True)]
    for url in ("/embed.js", "/", "/widgets", "/static/css/site.css"):
        response = client.get(url)
        answers[url] = [response.status_code, response.get_data(as_text=True)]
        response.close()
    print(json.dumps(answers))
    """
)


def _run(*args: str | Path, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_built_wheel_serves_every_widget_outside_the_checkout(tmp_path: Path) -> None:
    # nothing of this checkout's settings or import path reaches the fresh environment
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("WIDGETS_") and key != "PYTHONPATH"
    }
    built = tmp_path / "dist"
    _run(
        sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "-w", built, ROOT, cwd=tmp_path, env=env,
    )  # fmt: skip
    (wheel,) = built.glob("widget_service-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "widget_service/widgets/projects/widget.toml" in names
    assert "widget_service/static/js/embed.js" in names
    assert "widget_service/translations/de/LC_MESSAGES/messages.mo" in names

    # a fresh environment: the wheel, and the dependencies of this one (not its checkout)
    fresh = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", fresh, cwd=tmp_path, env=env)
    python = fresh / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel,
         cwd=tmp_path, env=env)  # fmt: skip
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                cwd=tmp_path, env=env).strip()  # fmt: skip
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    instance = tmp_path / "instance"
    env.update(WIDGETS_ENV="development", WIDGETS_INSTANCE_PATH=str(instance))
    command = fresh / "bin" / "widget-service"
    _run(command, "init-db", cwd=tmp_path, env=env)
    _run(command, "demo", cwd=tmp_path, env=env)
    output = _run(python, "-c", CHECK, json.dumps(EXAMPLES), cwd=tmp_path, env=env)
    answers = json.loads(output.strip().splitlines()[-1])

    package = Path(answers.pop("package"))
    assert package.is_relative_to(fresh), package
    for url, (status, body) in answers.items():
        assert status == 200, (url, body[:300])
    assert 'class="aw ' in answers["/fragment/projects"][1]
    assert '"submit": {"de": "Projekt vorschlagen"' in answers["/embed.js"][1]
    # the compiled German catalogue came along: the builder speaks German
    assert "Widget-Baukasten" in answers["/widgets"][1]
    assert answers["/static/css/site.css"][1].strip()
