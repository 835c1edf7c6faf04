"""Checks a Stripe-Signature header with Stripe's own library (PyPI `stripe`),
so the signing in tests/stripe.rs is confirmed by an independent
implementation. argv: secret, header; stdin: the raw body. Exit 0 valid."""
import sys

import stripe

secret, header = sys.argv[1], sys.argv[2]
payload = sys.stdin.buffer.read()
try:
    stripe.WebhookSignature.verify_header(payload, header, secret, tolerance=300)
except stripe.SignatureVerificationError as e:
    print(f"invalid: {e}", file=sys.stderr)
    sys.exit(1)
print("valid")
