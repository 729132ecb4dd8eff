"""One request pipeline: render, gate, send. Collection requests and ``rq.sendRequest`` share it.

* render: placeholders, auth (an OAuth 2.0 token is fetched through this same pipeline), body;
* gate: a URL whose host is still a placeholder never reaches DNS, unresolved variables are
  warnings or errors, and :class:`SecretGate` checks the bytes against every host-bound secret;
* send: retries, the per-request deadline (never past the run's or the calling script's), and
  redirects followed hop by hop, each hop gated again with credentials stripped across origins.
"""

from __future__ import annotations

import dataclasses
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rqrun.errors import RequestSendError, SecretNotAllowed
from rqrun.files import FileAccess
from rqrun.gate import Outgoing, SecretGate, origin_host
from rqrun.memory import files_anchor
from rqrun.model import Auth, Folder, Request
from rqrun.options import RunOptions
from rqrun.redact import Redactor
from rqrun.run_vault import RunVault
from rqrun.variables import Renderer, Scopes

if TYPE_CHECKING:
    from rqrun.http import HttpClient, HttpResponse, RedirectHop
    from rqrun.oauth2 import OAuth2Tokens
    from rqrun.prepare import PreparedRequest

__all__ = ["InvalidRequest", "Prepared", "RequestPipeline", "IDEMPOTENT_METHODS", "RETRYABLE_KINDS"]

#: Methods that may be sent twice without changing the outcome (RFC 9110 §9.2.2).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
#: Send failures worth another try; TLS and malformed requests fail the same way every time.
RETRYABLE_KINDS = frozenset({"network", "timeout", "protocol"})

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


class InvalidRequest(Exception):
    """A request that must not be sent because of what rendering found (a validation error)."""

    def __init__(self, message: str, kind: str = "unresolved-variable") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class Prepared:
    """A rendered request and what the pipeline must remember to send it."""

    request: PreparedRequest
    template: Request
    oauth_params: dict[str, str] | None = None
    oauth_keys: list[tuple[str, tuple[str, ...] | None]] = field(default_factory=list)  # vault keys the OAuth params used
    keys: list[tuple[str, tuple[str, ...] | None]] = field(default_factory=list)  # vault keys by name, with hosts
    what: str = "request"  # for messages: "request", "rq.sendRequest"


class RequestPipeline:
    """Renders, gates and sends requests for one run; thread-safe for ``--parallel``."""

    def __init__(self, options: RunOptions, redactor: Redactor, vault: RunVault, gate: SecretGate) -> None:
        self.options = options
        self.redactor = redactor
        self.vault = vault
        self.gate = gate
        self.deadline: float | None = None  # time.monotonic() instant the whole run ends (--timeout)
        self.files = FileAccess(files_anchor(options), options.working_dir, options.insecure_file_read, options.vault_path)
        self._http: HttpClient | None = None
        self._oauth: OAuth2Tokens | None = None
        self._lock = threading.RLock()
        self._notices: set[str] = set()

    # ---- resources ---------------------------------------------------------------------------

    @property
    def http(self) -> HttpClient:
        with self._lock:
            if self._http is None:
                from rqrun.http import HttpClient

                o = self.options
                self._http = HttpClient(
                    timeout_ms=o.timeout_request_ms,
                    verify=not o.insecure,
                    follow_redirects=o.follow_redirects,
                    max_redirects=o.max_redirects,
                    client_cert=o.ssl_client_cert,
                    client_key=o.ssl_client_key,
                    extra_ca_certs=o.ssl_extra_ca_certs,
                    http2=o.http2,
                    cookie_jar=o.cookie_jar,
                )
            return self._http

    @property
    def oauth(self) -> OAuth2Tokens:
        with self._lock:
            if self._oauth is None:
                from rqrun.oauth2 import OAuth2Tokens

                self._oauth = OAuth2Tokens(self._send_token_request, self.redactor.add)
            return self._oauth

    def export_cookies(self, path: str) -> str:
        return str(self.http.save_cookies(path, self.redactor.redact))

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    # ---- render and gate ---------------------------------------------------------------------

    def prepare(
        self, template: Request, chain: Sequence[Folder], scopes: Scopes, warnings: list[str], *, what: str = "request"
    ) -> Prepared:
        """Render ``template`` and check it can go out.

        Raises :class:`VaultError` (missing or refused secrets), :class:`RequestSendError` (an
        OAuth token that could not be fetched), :class:`InputError` (a file the collection may
        not or cannot read), :class:`InvalidRequest` (placeholders left where they must not be).
        """
        from rqrun.prepare import effective_auth, prepare

        renderer = Renderer(scopes, vault=self.vault.lookup)
        oauth_params: dict[str, str] | None = None
        oauth_keys: list[tuple[str, tuple[str, ...] | None]] = []
        auth = effective_auth(chain, template)
        if auth.type == "oauth2":
            from rqrun.oauth2 import needs_token

            if needs_token(auth.params):
                oauth_params = {k: renderer.render(v) for k, v in auth.params.items()}
                # Only the OAuth parameters have been rendered yet: these keys are theirs.
                oauth_keys = [(key, self.vault.hosts(key)) for key in sorted(renderer.used_secrets)]
                token = self.oauth.token(oauth_params, keys=oauth_keys)
                template = dataclasses.replace(template, auth=Auth("bearer", {"token": token}))
        prepared = prepare(template, chain, renderer, files=self.files)
        self.redactor.add_header_credentials(prepared.headers)
        warnings.extend(prepared.warnings)
        with self._lock:  # said on the first request they concern, not on every one
            fresh = [n for n in prepared.notices if n not in self._notices]
            self._notices.update(fresh)
        warnings.extend(fresh)
        _check_target(prepared.url)
        self._check_unresolved(prepared, warnings)
        keys = [(key, self.vault.hosts(key)) for key in sorted(prepared.used_secrets)]
        # The gate sees the exact bytes that will leave: nothing changes them before send()
        # but an OAuth token refreshed after a 401, which is no vault secret.
        self.gate.check(_outgoing(prepared), keys=keys, what=what)
        for key, _ in keys:
            warning = self.vault.provider_warning(key)
            if warning:
                warnings.append(warning)
        return Prepared(prepared, template, oauth_params, oauth_keys, keys, what)

    def _check_unresolved(self, prepared: PreparedRequest, warnings: list[str]) -> None:
        names = sorted(n for n in prepared.unresolved if not n.startswith("vault:"))
        if not names:
            return
        if self.options.strict_variables:
            listed = ", ".join("{{" + n + "}}" for n in names)
            raise InvalidRequest(f"unresolved variables: {listed} (--strict-variables)")
        # An unknown {{$name}} is said once a run (prepare's notices), not on every request.
        plain = [n for n in names if not n.startswith("$")]
        if plain:
            warnings.append("unresolved variables left as written: " + ", ".join("{{" + n + "}}" for n in plain))

    # ---- send --------------------------------------------------------------------------------

    def send(
        self,
        prepared: Prepared,
        *,
        timeout_ms: float | None = None,
        follow_redirects: bool | None = None,
        deadline: float | None = None,
        on_attempt: Callable[[], None] | None = None,
    ) -> HttpResponse:
        """Send what :meth:`prepare` checked, retrying as the options allow.

        A 401 on a fetched OAuth token fetches a new one once. ``deadline`` (monotonic) caps
        every attempt, as the run's own deadline does.
        """
        request = prepared.request
        options = self.options
        retryable = options.retry_unsafe or request.method in IDEMPOTENT_METHODS
        on_redirect = self._redirect_check(prepared.what)
        refreshed = False
        attempts = 0
        while True:
            attempts += 1
            if on_attempt is not None:
                on_attempt()
            try:
                response = self.http.send(
                    request,
                    timeout_ms=self._timeout_ms(timeout_ms, deadline),
                    follow_redirects=follow_redirects,
                    on_redirect=on_redirect,
                )
            except RequestSendError as exc:
                if retryable and exc.kind in RETRYABLE_KINDS and attempts <= options.retries:
                    self._back_off(attempts, deadline)
                    continue
                raise
            if response.code == 401 and prepared.oauth_params is not None and not refreshed:
                refreshed = True
                token = self.oauth.token(prepared.oauth_params, refresh=True, keys=prepared.oauth_keys)
                request.headers = [(k, v) for k, v in request.headers if k.lower() != "authorization"]
                request.headers.append(("Authorization", f"Bearer {token}"))
                continue
            if retryable and response.code in options.retry_on_status and attempts <= options.retries:
                self._back_off(attempts, deadline)
                continue
            return response

    def _timeout_ms(self, requested: float | None, deadline: float | None) -> float:
        """The request's own timeout, cut to what is left of the run and of the caller's limit."""
        timeout = requested if requested and requested > 0 else float(self.options.timeout_request_ms)
        for limit in (self.deadline, deadline):
            if limit is not None:
                left = (limit - time.monotonic()) * 1000
                if left <= 0:
                    raise RequestSendError("no time left to send it (--timeout or the script's limit)", kind="timeout")
                timeout = min(timeout, left)
        return timeout

    def _back_off(self, attempt: int, deadline: float | None) -> None:
        """Exponential back-off with full jitter, capped at 30 s and at the time left."""
        base = self.options.retry_delay_ms / 1000 * (2 ** (attempt - 1))
        pause = min(30.0, random.uniform(base / 2, base * 1.5))  # noqa: S311 - retry jitter
        for limit in (self.deadline, deadline):
            if limit is not None:
                pause = min(pause, max(0.0, limit - time.monotonic()))
        time.sleep(pause)

    def _redirect_check(
        self, what: str, body_keys: Sequence[tuple[str, Sequence[str] | None]] = ()
    ) -> Callable[[RedirectHop], list[tuple[str, str]]]:
        """The check of each redirect hop. ``body_keys``: vault keys known (by name) to be in
        the body, checked against a cross-origin hop that re-sends it."""

        def check(hop: RedirectHop) -> list[tuple[str, str]]:
            headers = hop.headers
            if hop.cross_origin:
                # Any header that carried a secret stays with the origin it was meant for.
                headers = [(k, v) for k, v in headers if self.redactor.redact(v) == v]
                if hop.content:
                    text = hop.content.decode("utf-8", "replace")
                    if self.redactor.redact(text) != text:
                        raise SecretNotAllowed(
                            f"the redirect to {origin_host(hop.url)} would re-send a body that carries a secret: not followed",
                            hint="send the request to its final address, or pass --ignore-redirects",
                        )
            keys = body_keys if hop.cross_origin and hop.content else ()
            self.gate.check(
                Outgoing(hop.method, hop.url, headers, hop.content), keys=keys, what=f"redirect hop of a {what}"
            )
            return headers

        return check

    def _send_token_request(
        self, request: PreparedRequest, keys: Sequence[tuple[str, Sequence[str] | None]] = ()
    ) -> HttpResponse:
        """OAuth 2.0 token requests carry the client secret: gated like any other request.

        ``keys`` are the vault keys the OAuth parameters were rendered from, checked by name:
        a secret shorter than the gate's search length is not found by value. A redirect hop
        that re-sends the body elsewhere is checked against them too.
        """
        what = "OAuth token request"
        self.gate.check(_outgoing(request), keys=keys, what=what)
        return self.http.send(
            request, timeout_ms=self._timeout_ms(None, None), on_redirect=self._redirect_check(what, keys)
        )


def _outgoing(request: PreparedRequest) -> Outgoing:
    hidden = (*(request.digest or ()), *(request.ntlm.secrets if request.ntlm else ()))
    return Outgoing(request.method, request.url, request.headers, request.content, hidden)


def _check_target(url: str) -> None:
    """A scheme or host that is still a placeholder fails here, before any DNS lookup."""
    scheme, sep, rest = url.partition("://")
    authority = rest.split("/", 1)[0].split("?", 1)[0] if sep else url
    for part in (scheme, authority):
        match = _PLACEHOLDER.search(part)
        if match:
            name = match.group(1)
            raise InvalidRequest(
                "{{" + name + "}} is not set (pass -e FILE or --env-var " + name + "=...)", kind="unset-base-url"
            )
