from portal import access


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": access.nav_items(user),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
