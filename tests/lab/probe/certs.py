#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""certs.py DIR ADDR - crafted certificates for the TLS audit lab (python3-cryptography):
a CA, and leaf certificates signed by it, each with its own flaw:
  good      300 days left, subjectAltName IP:ADDR          -> no certificate finding
  expired   expired 10 days ago, IP:ADDR                   -> tls-certificate-expired
  soon      expires in 10 days, names only DNS:elsewhere   -> expiring + name-mismatch
  self      self-signed, 200 days, IP:ADDR                 -> tls-certificate-self-signed
Each as DIR/NAME.pem (certificate) and DIR/NAME.key."""
import datetime
import ipaddress
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

out, addr = sys.argv[1], sys.argv[2]
now = datetime.datetime.now(datetime.timezone.utc)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "portlens lab")])


def write(stem, cert, key):
    open(f"{out}/{stem}.pem", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
    open(f"{out}/{stem}.key", "wb").write(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def cert(subject, issuer, key, sign_key, start, end, sans, ca=False):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(start).not_valid_after(end)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return b.sign(sign_key, hashes.SHA256())


day = datetime.timedelta(days=1)
ca_key = ec.generate_private_key(ec.SECP256R1())
ca = cert(name("portlens lab CA"), name("portlens lab CA"), ca_key, ca_key, now - day, now + 400 * day,
          None, ca=True)
write("ca", ca, ca_key)
ip = [x509.IPAddress(ipaddress.ip_address(addr))]
for stem, start, end, sans in (("good", now - day, now + 300 * day, ip),
                               ("expired", now - 100 * day, now - 10 * day, ip),
                               ("soon", now - 300 * day, now + 10 * day + datetime.timedelta(hours=1),
                                [x509.DNSName("elsewhere.portlens.test")])):
    k = ec.generate_private_key(ec.SECP256R1())
    write(stem, cert(name(f"{stem}.portlens.test"), ca.subject, k, ca_key, start, end, sans), k)
k = ec.generate_private_key(ec.SECP256R1())
write("self", cert(name("self.portlens.test"), name("self.portlens.test"), k, k, now - day,
                   now + 200 * day, ip), k)
