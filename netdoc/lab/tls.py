"""The lab's TLS material: one CA and one server certificate per simulated cluster.

Kept in the lab's state directory and reused while still valid, so an inventory written by one
`netdoc lab serve` keeps working after a restart (same `ca_file:`, same `fingerprint:`).
The fingerprint is printed the way Proxmox shows it: SHA-256 of the DER certificate, upper-case
hex pairs joined by colons (`pvenode cert info`, the `ssl_fingerprint` of GET /nodes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_FILE = "ca.pem"
CA_KEY_FILE = "ca.key"
_CA_DAYS = 3650
_SERVER_DAYS = 730  # what pvecm gives a node certificate
_RENEW_BEFORE = dt.timedelta(days=1)


@dataclass(frozen=True)
class ServerCert:
    """A server certificate on disk, ready for an ssl.SSLContext."""

    cert_file: Path
    key_file: Path
    ca_file: Path
    fingerprint: str  # Proxmox colon-hex form of the SHA-256 of the DER certificate

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(str(self.cert_file), str(self.key_file))
        return ctx


def fingerprint(cert: x509.Certificate) -> str:
    """`AB:CD:...`: SHA-256 of the DER encoding, as Proxmox prints certificate fingerprints."""
    digest = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def write_private(path: Path, data: bytes) -> None:
    """Write a secret through a 0600 temporary file and a rename (never world-readable, even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _write_public(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _load_pair(cert_path: Path, key_path: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None:
    """A stored certificate and its key, or None when missing, unreadable or about to expire."""
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        return None
    if cert.not_valid_after_utc - _RENEW_BEFORE < _now():
        return None
    return cert, key


class LabCA:
    """The lab's certificate authority (ECDSA P-256: fast to make, fast to handshake)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.ca_file = directory / CA_FILE
        self._key_file = directory / CA_KEY_FILE
        loaded = _load_pair(self.ca_file, self._key_file)
        if loaded is None:
            loaded = self._create()
        self.cert, self._key = loaded

    def _create(self) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "netdoc lab"),
                x509.NameAttribute(NameOID.COMMON_NAME, "netdoc lab CA"),
            ]
        )
        now = _now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=_CA_DAYS))
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
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        write_private(self._key_file, _key_pem(key))
        _write_public(self.ca_file, cert.public_bytes(serialization.Encoding.PEM))
        return cert, key

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.cert)

    def server_cert(self, name: str, addresses: list[str]) -> ServerCert:
        """The certificate for one cluster's API: SAN every given IP plus DNS localhost.

        Reused from disk when it was issued by this CA for exactly these addresses.
        """
        cert_path = self.directory / f"{name}.pem"
        key_path = self.directory / f"{name}.key"
        ips = sorted({ipaddress.ip_address(a) for a in addresses}, key=lambda ip: (ip.version, int(ip)))
        loaded = _load_pair(cert_path, key_path)
        if loaded is not None and self._issued_for(loaded[0], ips):
            return ServerCert(cert_path, key_path, self.ca_file, fingerprint(loaded[0]))
        key = ec.generate_private_key(ec.SECP256R1())
        now = _now()
        san: list[x509.GeneralName] = [x509.DNSName("localhost")]
        san += [x509.IPAddress(ip) for ip in ips]
        cert = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "netdoc lab"),
                        x509.NameAttribute(NameOID.COMMON_NAME, str(ips[0]) if ips else "localhost"),
                    ]
                )
            )
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=_SERVER_DAYS))
            .add_extension(x509.SubjectAlternativeName(san), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.cert.public_key()),  # type: ignore[arg-type]
                critical=False,
            )
            .sign(self._key, hashes.SHA256())
        )
        write_private(key_path, _key_pem(key))
        _write_public(cert_path, cert.public_bytes(serialization.Encoding.PEM))
        return ServerCert(cert_path, key_path, self.ca_file, fingerprint(cert))

    def _issued_for(
        self, cert: x509.Certificate, ips: list[ipaddress.IPv4Address | ipaddress.IPv6Address]
    ) -> bool:
        if cert.issuer != self.cert.subject:
            return False
        try:
            cert.verify_directly_issued_by(self.cert)
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
            return False
        found = [
            ip
            for ip in san.get_values_for_type(x509.IPAddress)
            if isinstance(ip, (ipaddress.IPv4Address, ipaddress.IPv6Address))
        ]
        return sorted(found, key=lambda ip: (ip.version, int(ip))) == ips
