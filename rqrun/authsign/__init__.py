"""Signing auth types: OAuth 1.0, AWS Signature v4, JWT bearer, Hawk, EdgeGrid and a saved
digest, the way Newman signs.

Each module takes the request as :mod:`rqrun.prepare` has built it and returns what to add;
each imports the library it needs (oauthlib, PyJWT) only when that auth is used.
"""
