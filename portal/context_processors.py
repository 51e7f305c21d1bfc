from portal import access
from portal.twofactor import must_verify


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if must_verify(request):
        # Until the second factor is done the role's areas are out of reach, so they are not offered.
        return {"nav_items": [], "second_factor_pending": True}
    return {
        "nav_items": access.nav_items(user),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
