"""Single sign-on with the force's identity provider (OpenID Connect, issue 19; docs/onboarding.md).

Off unless OIDC_ISSUER is set. mozilla-django-oidc does the protocol's moving parts (the
authorization request with state, nonce and PKCE; the code exchange; the provider's signing keys);
this package decides everything else: the provider's endpoints are discovered from the issuer
(`provider.py`), the ID token is checked in full (signature, issuer, audience, expiry, nonce) and a
person is matched to an existing, active account only, never created (`backend.py`), and every
failure is a plain page and an audit event, never a 500 (`views.py`)."""
