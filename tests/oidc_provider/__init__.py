"""A small OpenID Connect provider (django-oidc-provider) that the single sign-on tests start as a
process of its own on the loopback (tests/oidc_support.py). Never part of the portal."""
