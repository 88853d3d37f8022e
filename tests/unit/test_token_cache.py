"""A verified token is remembered, never past its expiry, and a forged one never is."""

from __future__ import annotations

import time

import jwt
import pytest

from api import auth
from api.auth import Verifier, mint_token
from api.problem_details import ProblemError

SECRET = "s" * 40


def test_a_remembered_token_is_refused_once_it_expires() -> None:
    verifier = Verifier(secrets=[SECRET])
    now = int(time.time())
    claims = {"sub": "dr-okafor", "role": "clinician", "clinic": "riverside", "iat": now}
    token = jwt.encode({**claims, "exp": now + 2}, SECRET, algorithm="HS256")
    assert verifier.decode(token).user == "dr-okafor"
    assert verifier.decode(token).clinic == "riverside"  # remembered

    time.sleep(max(0.0, now + 2.2 - time.time()))
    with pytest.raises(ProblemError) as refused:
        verifier.decode(token)
    assert refused.value.status == 401
    assert "expired" in str(refused.value)


def test_a_token_with_a_bad_signature_is_refused_every_time() -> None:
    verifier = Verifier(secrets=[SECRET])
    forged = mint_token("x" * 40, "mallory", "supervisor", "riverside")
    for _ in range(2):
        with pytest.raises(ProblemError) as refused:
            verifier.decode(forged)
        assert refused.value.status == 401


def test_remembering_stops_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "VERIFIED_TOKENS", 3)
    verifier = Verifier(secrets=[SECRET])
    tokens = [mint_token(SECRET, f"user-{i}", "clinician", "riverside") for i in range(5)]
    for token in tokens:
        verifier.decode(token)
    assert len(verifier._verified) <= 3  # noqa: SLF001
