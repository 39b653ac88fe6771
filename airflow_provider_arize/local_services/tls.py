"""Throw-away TLS material for local services on ``127.0.0.1`` (:func:`make_local_tls`), and a scoped way
to trust it (:func:`trusting`).

What is generated, the ``127.0.0.1`` name constraint and the process-wide trust:
``docs/local-services.md``, "TLS material and trust"."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CA_BUNDLE_ENV", "LocalTLS", "make_local_tls", "trusting"]

#: The environment variable ``requests`` (and the Snowflake connector) reads its CA bundle from.
CA_BUNDLE_ENV = "REQUESTS_CA_BUNDLE"

_LOCAL_IP = "127.0.0.1"


@dataclass(frozen=True)
class LocalTLS:
    """Paths of the generated PEM files (``docs/local-services.md``, "TLS material and trust")."""

    ca_cert: Path
    server_cert: Path
    server_key: Path
    trust_bundle: Path


def make_local_tls(directory: Path, *, common_name: str = "airflow-provider-arize local service") -> LocalTLS:
    """Generate a name-constrained CA and a ``127.0.0.1`` server certificate into ``directory``."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    not_before, not_after = now - dt.timedelta(minutes=5), now + dt.timedelta(days=1)
    local_ip = ipaddress.IPv4Address(_LOCAL_IP)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{common_name} CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.NameConstraints(
                permitted_subtrees=[x509.IPAddress(ipaddress.IPv4Network(f"{_LOCAL_IP}/32"))],
                excluded_subtrees=None,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(local_ip)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
    paths = LocalTLS(
        ca_cert=directory / "ca.pem",
        server_cert=directory / "server.pem",
        server_key=directory / "server-key.pem",
        trust_bundle=directory / "trust-bundle.pem",
    )
    paths.ca_cert.write_bytes(ca_pem)
    paths.server_cert.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    key_pem = server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(paths.server_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_pem)
    paths.trust_bundle.write_bytes(_current_trust() + b"\n" + ca_pem)
    return paths


def _current_trust() -> bytes:
    """The PEM bundle ``requests`` trusts right now: ``$REQUESTS_CA_BUNDLE`` or certifi's bundle."""
    current = os.environ.get(CA_BUNDLE_ENV)
    if current and Path(current).is_file():
        return Path(current).read_bytes()
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi comes with requests
        return b""
    return Path(certifi.where()).read_bytes()


@contextlib.contextmanager
def trusting(bundle: Path) -> Iterator[Path]:
    """Set ``$REQUESTS_CA_BUNDLE`` to ``bundle`` inside the block; restore the previous value after.

    Process-wide: every ``requests``-based client in the process reads it while the block is open
    (``docs/local-services.md``, "TLS material and trust"). Nesting works; blocks must close in reverse
    order.
    """
    previous = os.environ.get(CA_BUNDLE_ENV)
    os.environ[CA_BUNDLE_ENV] = str(bundle)
    try:
        yield bundle
    finally:
        if previous is None:
            os.environ.pop(CA_BUNDLE_ENV, None)
        else:
            os.environ[CA_BUNDLE_ENV] = previous
