"""`{% single_sign_on as sso %}`: whether single sign-on is on (portal/oidc) and its button's words,
for the sign-in and password-reset pages; `user|confirms_at_provider`: whether someone has no
password here (portal/oidc/reconfirm.py), so no page offers to change one."""

from django import template

from portal.oidc import provider, reconfirm

register = template.Library()


@register.simple_tag
def single_sign_on() -> dict:
    if not provider.enabled():
        return {"enabled": False}
    return {"enabled": True, "label": provider.button_label()}


@register.filter
def confirms_at_provider(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and reconfirm.by_provider(user)
