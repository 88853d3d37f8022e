"""Master keys: the first wraps, every one unwraps; settings accept a comma-separated list."""

from __future__ import annotations

import base64
import os
from uuid import uuid4

import pytest
from pydantic import SecretStr

from api.settings import SettingsError, load_settings
from eventstore.cipher import key_id_of
from eventstore.keys import KeyError_, MasterKeys, master_key_id, parse_master_keys


def key() -> bytes:
    return os.urandom(32)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def test_a_data_key_wrapped_by_the_old_key_unwraps_after_a_new_one_is_put_first() -> None:
    old, new = key(), key()
    data_key, key_id = os.urandom(32), uuid4()
    master_id, wrapped = MasterKeys([old]).wrap(key_id, data_key)
    assert master_id == master_key_id(old)
    rotated = MasterKeys([new, old])
    assert rotated.unwrap(key_id, master_id, wrapped) == data_key
    again_id, rewrapped = rotated.wrap(key_id, data_key)
    assert again_id == master_key_id(new)
    assert MasterKeys([new]).unwrap(key_id, again_id, rewrapped) == data_key
    with pytest.raises(KeyError_, match="not in PLANS_CIPHER_KEY"):
        MasterKeys([new]).unwrap(key_id, master_id, wrapped)


def test_a_wrapped_key_is_bound_to_its_key_id() -> None:
    masters = MasterKeys([key()])
    master_id, wrapped = masters.wrap(uuid4(), os.urandom(32))
    with pytest.raises(KeyError_, match="does not unwrap"):
        masters.unwrap(uuid4(), master_id, wrapped)


def test_master_key_lists_are_parsed_and_checked() -> None:
    a, b = key(), key()
    assert parse_master_keys(f"{b64(a)}, {b64(b)}") == [a, b]
    with pytest.raises(ValueError, match="32 bytes"):
        parse_master_keys(b64(os.urandom(16)))
    settings = load_settings(cipher_key=SecretStr(f"{b64(a)},{b64(b)}"))
    assert settings.cipher_key is not None
    with pytest.raises(SettingsError, match="key 2 of PLANS_CIPHER_KEY"):
        load_settings(cipher_key=SecretStr(f"{b64(a)},not-base64!"))


def test_only_the_envelope_format_names_a_data_key() -> None:
    key_id = uuid4()
    assert key_id_of(bytes([1]) + key_id.bytes + os.urandom(40)) == key_id
    assert key_id_of(b'{"plain": true}') is None
    assert key_id_of(bytes([2]) + os.urandom(60)) is None
