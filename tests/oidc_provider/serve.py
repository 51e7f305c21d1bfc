"""Runs the test identity provider: `python -m tests.oidc_provider.serve PORT` with IDP_DIR (its
SQLite file and people.json) and IDP_CLIENT (JSON: client_id, client_secret, redirect_uris,
post_logout_redirect_uris) in the environment. Migrates, makes a signing key, the client and the
people, then serves on 127.0.0.1:PORT until it is stopped."""

import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass  # request lines carry authorization codes: never written anywhere


def seed():
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType, RSAKey

    from tests.oidc_provider.claims import people

    call_command("migrate", run_syncdb=True, verbosity=0)
    ResponseType.objects.get_or_create(value="code", defaults={"description": "code (Authorization Code Flow)"})
    if not RSAKey.objects.exists():
        call_command("creatersakey", verbosity=0)
    spec = json.loads(os.environ["IDP_CLIENT"])
    client, _ = Client.objects.update_or_create(client_id=spec["client_id"], defaults={
        "name": "Wellbeing portal (tests)", "client_type": "confidential", "client_secret": spec["client_secret"],
        "jwt_alg": "RS256", "require_consent": False, "reuse_consent": True,
    })
    client.redirect_uris = spec["redirect_uris"]
    client.post_logout_redirect_uris = spec["post_logout_redirect_uris"]
    client.save()
    client.response_types.set([ResponseType.objects.get(value="code")])
    for username, person in people().items():
        user, _ = User.objects.get_or_create(username=username)
        user.email = person.get("email", "")
        user.set_password(person["password"])
        user.save()


def main():
    port = int(sys.argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    import django

    django.setup()
    seed()
    from django.core.wsgi import get_wsgi_application

    server = make_server("127.0.0.1", port, get_wsgi_application(), server_class=ThreadingServer,
                         handler_class=QuietHandler)
    print("identity provider ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
