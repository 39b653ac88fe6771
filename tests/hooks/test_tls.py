"""TLS certificate verification is on by default, and turning it off is never silent.

The emulator's app is served here over HTTPS (uvicorn with a certificate from a local CA that nothing
trusts by default, ``local_services.tls``), so the hook's real HTTP client does the TLS handshake.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.hooks.arize import ArizeHook

API_KEY = "tls-test-key-7d41e0aa"


class _TLSEmulator:
    def __init__(self, url: str, space_id: str, ca_cert: Path) -> None:
        self.url, self.space_id, self.ca_cert = url, space_id, ca_cert


@pytest.fixture(scope="module")
def tls_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_TLSEmulator]:
    from airflow_provider_arize.emulator.app import create_app
    from airflow_provider_arize.emulator.config import EmulatorConfig, create_state
    from airflow_provider_arize.emulator.ids import to_global_id
    from airflow_provider_arize.local_services.asgi_thread import ThreadedASGIServer
    from airflow_provider_arize.local_services.tls import make_local_tls

    tls = make_local_tls(tmp_path_factory.mktemp("tls"))
    state = create_state(EmulatorConfig(api_key=API_KEY, run_workers=False), None)
    assert state.default_space_id is not None
    try:
        with ThreadedASGIServer(create_app(state), tls=tls, name="TLS emulator") as server:
            yield _TLSEmulator(server.url, to_global_id("Space", state.default_space_id), tls.ca_cert)
    finally:
        state.store.close()


def _connection(
    monkeypatch: pytest.MonkeyPatch, server: _TLSEmulator, conn_id: str, **extra: Any
) -> ArizeHook:
    body = {
        "conn_type": "arize",
        "host": server.url,
        "password": API_KEY,
        "extra": {"space_id": server.space_id, **extra},
    }
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(body))
    return ArizeHook(arize_conn_id=conn_id)


def test_an_untrusted_certificate_is_refused_by_default_without_retrying(
    tls_emulator: _TLSEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = _connection(monkeypatch, tls_emulator, "arize_tls_default")
    ok, message = hook.test_connection()
    assert not ok
    assert "TLS certificate verification failed" in message and "ca_bundle" in message, message
    assert API_KEY not in message
    with pytest.raises(ArizeConfigError) as raised:
        hook.get_conn().test_connection()
    assert raised.value.field == "verify"
    stats = hook.get_conn().transport.stats
    assert stats.retries == 0 and stats.requests == stats.calls == 2  # one attempt each: no retry


def test_a_ca_bundle_makes_the_certificate_trusted(
    tls_emulator: _TLSEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = _connection(monkeypatch, tls_emulator, "arize_tls_ca", ca_bundle=str(tls_emulator.ca_cert))
    ok, message = hook.test_connection()
    assert ok and message.startswith(f"Connected to {tls_emulator.url}"), message


def test_turning_verification_off_works_but_is_logged(
    tls_emulator: _TLSEmulator, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    hook = _connection(monkeypatch, tls_emulator, "arize_tls_off", verify="false")
    with caplog.at_level(logging.WARNING):
        ok, _ = hook.test_connection()
    assert ok
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("arize_tls_off" in m and "verification OFF" in m for m in warnings), warnings


@pytest.mark.parametrize("value", ["maybe", "", "nope", 2])
def test_an_unclear_verify_value_is_a_configuration_error(
    tls_emulator: _TLSEmulator, monkeypatch: pytest.MonkeyPatch, value: object
) -> None:
    hook = _connection(monkeypatch, tls_emulator, "arize_tls_bad", verify=value)
    with pytest.raises(ArizeConfigError, match="verify must be true or false") as raised:
        hook.get_conn()
    assert raised.value.field == "verify"
