#!/usr/bin/env python3
"""Mints an access and a refresh token with djangorestframework-simplejwt, as a Django auth service would.

Usage: mint_simplejwt_tokens.py HS256|RS256 USER_ID [ISSUER [AUDIENCE]]
USER_ID is written as a number when it is all digits, else as a string (a UUID primary key, say).
The signing key (the HS256 secret, or the RS256 private key in PEM) is read from standard input, so it never
appears in a process listing. Prints one JSON object: {"access": "...", "refresh": "..."}.
Exit status 3 when Django or simplejwt is not installed.
"""
import json
import sys
import types


def configure(algorithm, signing_key, issuer, audience):
    from django.conf import settings

    settings.configure(
        SECRET_KEY="not-used-for-tokens-" + "x" * 32,
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
        DATABASES={},
        USE_TZ=True,
        SIMPLE_JWT={
            "ALGORITHM": algorithm,
            "SIGNING_KEY": signing_key,
            "VERIFYING_KEY": None,
            "ISSUER": issuer,
            "AUDIENCE": audience,
        },
    )
    import django

    django.setup()


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    # A numeric id stays a number in the token, anything else a string, as simplejwt's for_user writes them.
    algorithm, user_id = argv[1], int(argv[2]) if argv[2].isdigit() else argv[2]
    issuer = argv[3] if len(argv) > 3 else None
    audience = argv[4] if len(argv) > 4 else None
    try:
        import django  # noqa: F401
        import rest_framework_simplejwt  # noqa: F401
    except ImportError as missing:
        print("missing Python package: %s" % missing, file=sys.stderr)
        return 3
    configure(algorithm, sys.stdin.read(), issuer, audience)
    from rest_framework_simplejwt.tokens import RefreshToken

    # for_user only reads the id field; no database is needed without the blacklist app.
    refresh = RefreshToken.for_user(types.SimpleNamespace(id=user_id))
    print(json.dumps({"access": str(refresh.access_token), "refresh": str(refresh)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
