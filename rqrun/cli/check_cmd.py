"""``rqrun check``: load a collection, compile its scripts, list what it needs; send nothing."""

from __future__ import annotations

import re
from typing import Any

import click

from rqrun.cli.options import file_options, input_options, parse_assignments
from rqrun.errors import ExitCode, RqrunError
from rqrun.model import Folder, Request, Script
from rqrun.options import RunOptions

__all__ = ["check"]

_SCRIPT_WRITES = re.compile(r"""\.set\(\s*["']([^"']+)["']""")


def _templates(request: Request) -> list[str]:
    """Every string of a request that is rendered before sending."""
    texts = [request.url, request.method]
    for rows in (request.headers, request.query, request.path_variables, request.body.urlencoded):
        texts.extend(t for kv in rows if kv.enabled for t in (kv.key, kv.value))
    texts.extend(t for part in request.body.formdata if part.enabled for t in (part.key, part.value))
    texts.append(request.body.raw)
    if request.body.graphql:
        texts.extend([request.body.graphql.query, request.body.graphql.variables])
    texts.extend(v for v in request.auth.params.values() if isinstance(v, str))
    return texts


def _files(request: Request) -> list[str]:
    """Every file the request's body would read."""
    body = request.body
    if body.mode == "formdata":
        return [f for part in body.formdata if part.enabled and part.kind == "file" for f in part.files]
    return [body.file] if body.mode == "file" and body.file else []


@click.command("check", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("collection", type=click.Path())
@input_options()
@file_options()
@click.option("--env-var", "env_vars", multiple=True, metavar="KEY=VALUE", help="Set an environment variable.")
@click.option("--global-var", "global_vars", multiple=True, metavar="KEY=VALUE", help="Set a global variable.")
@click.option("--allow-unsupported-scripts", is_flag=True,
              help="As in run: list scripts in a language rqrun does not know without failing the check.")
@click.pass_context
def check(ctx: click.Context, /, collection: str, **params: Any) -> int:
    """Load COLLECTION, compile every script and list unresolved variables and vault keys.

    Exit 0 when everything resolves and compiles, 4 when a script does not compile or is in a
    language rqrun does not know, 5 when a vault key is missing, 3 when a file the
    collection names may not be read, 1 when only variables are unresolved.
    """
    from rqrun.events import EventBus
    from rqrun.inputs import load_inputs
    from rqrun.prepare import effective_auth
    from rqrun.redact import Redactor
    from rqrun.runner import Runner
    from rqrun.variables import Renderer

    obj = ctx.find_root().obj or {}
    options = RunOptions(
        collection=collection,
        environment=params["environment"],
        env_name=params["env_name"],
        globals=params["globals_file"],
        iteration_data=params["iteration_data"],
        env_vars=parse_assignments(params["env_vars"], "--env-var"),
        global_vars=parse_assignments(params["global_vars"], "--global-var"),
        vault_path=obj.get("vault_path"),
        reporters=(),
        working_dir=params["working_dir"],
        insecure_file_read=params["insecure_file_read"],
        strict_input=params["strict_input"],
    )
    inputs = load_inputs(options)
    redactor = Redactor()
    runner = Runner(inputs, options, EventBus(), redactor)
    row = inputs.data[0] if inputs.data else {}
    scripts: list[Script] = []
    set_by_scripts: set[str] = set()
    missing_vault: dict[str, list[str]] = {}
    unresolved: dict[str, list[str]] = {}
    refused_files: list[str] = []
    echo = click.echo
    for chain, request in runner.requests:
        nodes: tuple[Folder | Request, ...] = (*chain, request)
        for node in nodes:
            for script in (node.scripts.pre_request, node.scripts.post_response):
                if script is not None and script not in scripts:
                    scripts.append(script)
                    set_by_scripts.update(_SCRIPT_WRITES.findall(script.source))
    render_failures: list[tuple[str, str]] = []
    for chain, request in runner.requests:
        path = " / ".join([*(f.name for f in chain[1:]), request.name])
        renderer = Renderer(runner.scopes_for(chain, row), vault=None)
        auth = effective_auth(chain, request)
        try:
            for text in _templates(request) + [v for v in auth.params.values() if isinstance(v, str)]:
                renderer.render(text)
        except RqrunError as exc:  # e.g. variables that expand past the rendering ceiling
            render_failures.append((path, exc.one_line()))
        for file in _files(request):
            refused = runner.pipeline.files.refusal(file, what="file", where=f"{collection}: request {path!r}")
            if refused is not None:
                refused_files.append(refused.one_line())
        for name in sorted(renderer.unresolved):
            if name.startswith("vault:"):
                missing_vault.setdefault(name[6:], []).append(path)
            else:
                unresolved.setdefault(name, []).append(path)

    code = ExitCode.OK
    allowed = bool(params["allow_unsupported_scripts"])
    compile_failures, not_run = _script_problems(scripts, allowed)
    echo(f"{inputs.collection.name}: {len(runner.requests)} requests, {len(scripts)} scripts")
    for message in not_run:
        echo(f"script {message}")
    for warning in inputs.warnings:
        echo(f"warning: {warning}")
    for location, message in compile_failures:
        echo(f"script {location}: {message}")
        code = max(code, ExitCode.RUN)
    for location, message in render_failures:
        echo(f"{location}: {message}")
        code = max(code, ExitCode.RUN)
    if missing_vault:
        present = _vault_has(options, list(missing_vault))
        for key, paths in sorted(missing_vault.items()):
            state = "present" if present.get(key) else "MISSING"
            echo(f"vault key {key}: {state} (used by {', '.join(sorted(set(paths)))})")
            if not present.get(key):
                code = max(code, ExitCode.VAULT)
    for line in refused_files:
        echo(line)
        code = max(code, ExitCode.INPUT)
    for name, paths in sorted(unresolved.items()):
        note = " (set by a script)" if name in set_by_scripts else ""
        what = "unknown dynamic variable" if name.startswith("$") else "unresolved"
        echo(f"{what} {{{{{name}}}}}{note}: {', '.join(sorted(set(paths)))}")
        if not note:
            code = max(code, ExitCode.TESTS_FAILED)
    if code == ExitCode.OK:
        echo("everything resolves and every script compiles")
    return int(code)


def _script_problems(scripts: list[Script], allowed: bool) -> tuple[list[tuple[str, str]], list[str]]:
    """Scripts that would fail a run (where, why), and with ``allowed`` those a run would skip.

    The language is decided as ``run`` decides it (:func:`rqrun.script_language.decide`).
    """
    from rqrun.script_language import (
        Language,
        decide,
        only_comments,
        unsupported_message,
        unsupported_reason,
    )

    failures: list[tuple[str, str]] = []
    not_run: list[str] = []
    python: list[Script] = []
    for script in scripts:
        language = decide(script.source, script.language).language
        if language is Language.PYTHON:
            python.append(script)
            continue
        if only_comments(script.source):
            continue  # nothing to run, as in run
        if language is Language.JAVASCRIPT:
            from rqrun.script_language import javascript_syntax_error

            problem = javascript_syntax_error(script.source)
            if problem is not None:
                line = f" line {problem[1]}" if problem[1] else ""
                failures.append((f"{script.location}{line}", problem[0]))
            continue
        if allowed:
            not_run.append(unsupported_message(script.location, script.language, language, True))
        else:
            failures.append((script.location, unsupported_reason(script.language, language, False)))
    if not python:
        return failures, not_run
    from rqrun.sandbox.compile import compile_script
    from rqrun.sandbox.model import ScriptFailure

    for script in python:
        outcome = compile_script(script.source)
        if isinstance(outcome, ScriptFailure):
            mark = ":" if script.file else " line "  # a script file reads as file.py:3
            line = f"{mark}{outcome.line}" if outcome.line else ""
            failures.append((f"{script.location}{line}", outcome.message))
    return failures, not_run


def _vault_has(options: RunOptions, keys: list[str]) -> dict[str, bool]:
    """Which keys resolve, without unlocking the vault or calling AWS."""
    try:
        from rqrun.vault import open_vault

        vault = open_vault(options.vault_path)
        return {key: vault.has(key) for key in keys}
    except RqrunError as exc:
        click.echo(f"vault: {exc.one_line()}", err=True)
        return {}
