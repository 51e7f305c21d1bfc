"""SCIM 2.0 provisioning from a force's identity provider (Microsoft Entra ID), issue 19.

django-scim2 gives the protocol (routes, list responses, filter parsing, error bodies); this package
gives what is ours: a bearer token per organisation (`tokens`, `auth`), every request scoped to that
organisation, PATCH bodies as Entra sends them (`patch`), group names mapped onto teams and roles
(`groups`), and every change written through the HR import's own plan and apply (`people`), so the
same rules for joiners, movers and leavers hold whichever way a person arrives."""
