"""`make audit`: known vulnerabilities in the installed packages (pip-audit).

Fails on a vulnerability for which a fixed version exists (upgrade, or pin and say why);
one without a fix yet is printed and does not fail the run, since nothing can be done but
watch it. A failure to reach the vulnerability database fails too: silence is not a pass.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "audit.json"
        completed = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
            [
                sys.executable, "-m", "pip_audit",
                "--local", "--skip-editable", "--progress-spinner", "off",
                "--format", "json", "--output", str(report_path),
            ],
            check=False,
        )  # fmt: skip
        if not report_path.exists():
            print(f"pip-audit did not report (exit {completed.returncode})", file=sys.stderr)
            return 1
        report = json.loads(report_path.read_text(encoding="utf-8"))
    fixable = 0
    for dependency in report.get("dependencies", []):
        for vulnerability in dependency.get("vulns", []):
            fixes = vulnerability.get("fix_versions") or []
            fixable += bool(fixes)
            verdict = f"fixed in {', '.join(fixes)}" if fixes else "no fix yet (not failing)"
            print(f"{dependency['name']} {dependency['version']}: {vulnerability['id']}, {verdict}")
    count = len(report.get("dependencies", []))
    print(f"audit: {count} packages, {fixable} vulnerabilities with a fix available")
    return 1 if fixable else 0


if __name__ == "__main__":
    sys.exit(main())
