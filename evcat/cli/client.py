"""An HTTP client for the registry that turns every failure into a sentence the user can act on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from evcat.cli.errors import UserError

TIMEOUT_SECONDS = 30.0
_ACCEPT = "application/vnd.schemaregistry.v1+json, application/json"


class RegistryError(UserError):
    """A 4xx answer, with the registry's own error code, for commands that handle some of them."""

    def __init__(self, status: int, error_code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code


@dataclass(frozen=True, slots=True)
class Connection:
    """Where the registry is and how to authenticate, as given by flags or EVCAT_* variables."""

    url: str | None
    user: str | None = None
    password: str | None = None
    token: str | None = None

    def client(self) -> RegistryClient:
        return RegistryClient(self)


def quoted(subject: str) -> str:
    """A subject as one path segment: Protobuf subjects such as ``acme/a.proto`` hold slashes."""
    return quote(subject, safe="")


def _error_text(answer: httpx.Response) -> tuple[int, str]:
    try:
        body = answer.json()
    except ValueError:
        return answer.status_code, answer.text.strip()[:200] or answer.reason_phrase
    if isinstance(body, dict):
        message = body.get("message") or body.get("detail") or answer.reason_phrase
        return int(body.get("error_code", answer.status_code)), str(message)
    return answer.status_code, answer.reason_phrase


class RegistryClient:
    """Calls to one registry. Every method returns decoded JSON or raises ``UserError``."""

    def __init__(self, connection: Connection, timeout: float = TIMEOUT_SECONDS) -> None:
        if not connection.url:
            raise UserError("no registry given: pass --registry URL or set EVCAT_URL")
        url = connection.url.rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise UserError(f"invalid registry URL '{url}': it must start with http:// or https://")
        if connection.token and connection.user:
            raise UserError("pass either --token or --user/--password, not both")
        auth: httpx.Auth | None = None
        headers = {"Accept": _ACCEPT}
        if connection.token:
            headers["Authorization"] = f"Bearer {connection.token}"
        elif connection.user:
            auth = httpx.BasicAuth(connection.user, connection.password or "")
        self.url = url
        self.timeout = timeout
        self._http = httpx.Client(
            base_url=url,
            auth=auth,
            headers=headers,
            timeout=timeout,
            transport=httpx.HTTPTransport(retries=1),
        )

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
    ) -> Any:
        """One call; 2xx answers are decoded, anything else becomes a ``UserError``."""
        try:
            answer = self._http.request(method, path, params=params, json=body)
        except httpx.TimeoutException:
            raise UserError(
                f"the registry at {self.url} did not answer within {self.timeout:g} s"
            ) from None
        except httpx.ConnectError as error:
            reason = str(error).split("] ")[-1] or "connection failed"
            raise UserError(f"cannot reach the registry at {self.url} ({reason})") from None
        except httpx.HTTPError as error:
            raise UserError(f"talking to the registry at {self.url} failed: {error}") from None
        if answer.status_code == 401:
            raise UserError(
                f"the registry at {self.url} refused the credentials (401 Unauthorized): "
                "check --user/--password or --token"
            )
        if answer.status_code == 403:
            raise UserError(
                f"the registry at {self.url} answered 403 Forbidden: these credentials may not "
                f"{method} {path}"
            )
        if answer.status_code >= 400:
            code, message = _error_text(answer)
            if answer.status_code >= 500:
                raise UserError(
                    f"the registry at {self.url} failed ({answer.status_code}): {message}"
                )
            raise RegistryError(answer.status_code, code, message)
        try:
            return answer.json()
        except ValueError:
            raise UserError(
                f"{self.url} did not answer like a schema registry "
                f"({method} {path} gave {answer.headers.get('content-type', 'no content type')})"
            ) from None

    # -- the calls the commands make ---------------------------------------------------------

    def subjects(self, *, prefix: str = "", deleted: bool = False) -> list[str]:
        params = {"deleted": str(deleted).lower()}
        if prefix:
            params["subjectPrefix"] = prefix
        return list(self.request("GET", "/subjects", params=params))

    def versions(self, subject: str, *, deleted: bool = False) -> list[int]:
        params = {"deleted": str(deleted).lower()}
        return list(self.request("GET", f"/subjects/{quoted(subject)}/versions", params=params))

    def version(self, subject: str, version: str = "latest") -> dict[str, Any]:
        answer: dict[str, Any] = self.request(
            "GET", f"/subjects/{quoted(subject)}/versions/{version}"
        )
        return answer

    def register(self, subject: str, body: dict[str, Any], *, normalize: bool) -> dict[str, Any]:
        params = {"normalize": str(normalize).lower()}
        answer: dict[str, Any] = self.request(
            "POST", f"/subjects/{quoted(subject)}/versions", params=params, body=body
        )
        return answer

    def compatibility(
        self, subject: str, body: dict[str, Any], *, normalize: bool = False
    ) -> dict[str, Any]:
        """evcat's structured check: every incompatibility with rule, path, fix and version."""
        params = {"normalize": str(normalize).lower()}
        answer: dict[str, Any] = self.request(
            "POST", f"/v1/subjects/{quoted(subject)}/compatibility", params=params, body=body
        )
        return answer

    def config(self, subject: str | None) -> tuple[str, bool]:
        """The effective level and whether it is the subject's own (False: inherited)."""
        if subject is None:
            return str(self.request("GET", "/config")["compatibilityLevel"]), True
        try:
            own = self.request("GET", f"/config/{quoted(subject)}")
            return str(own["compatibilityLevel"]), True
        except RegistryError as error:
            if error.error_code != 40408:
                raise
        return str(self.request("GET", "/config")["compatibilityLevel"]), False

    def set_config(self, subject: str | None, level: str) -> str:
        path = "/config" if subject is None else f"/config/{quoted(subject)}"
        return str(self.request("PUT", path, body={"compatibility": level})["compatibility"])

    def delete(self, subject: str, version: str | None, *, permanent: bool) -> Any:
        path = f"/subjects/{quoted(subject)}"
        if version is not None:
            path += f"/versions/{version}"
        return self.request("DELETE", path, params={"permanent": str(permanent).lower()})
