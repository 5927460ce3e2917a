"""Secrets in local_setting (the device token): sealed with AES-GCM under a subkey of the database's data key.

The file is already encrypted; sealing keeps the token out of a decrypted export, a support copy or a log of
settings, and binds each value to its setting name.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.engine import engine_key
from db.models import LocalSetting
from desktop.core.errors import CoreError

PREFIX = "sealed1:"
SECRET_SETTINGS = ("sync.token",)  # sealed again at start when an older version left them plain


def _aead(data_key: bytes) -> AESGCM:
    info = b"krukhor local_setting secrets v1"
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(data_key))


def seal(data_key: bytes, value: str, *, name: str) -> str:
    nonce = os.urandom(12)
    sealed = _aead(data_key).encrypt(nonce, value.encode(), name.encode())
    return PREFIX + base64.b64encode(nonce + sealed).decode()


def unseal(data_key: bytes | None, stored: str, *, name: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written by an older version (or a server-style URL database without a data key)
    if data_key is None:
        raise CoreError(f"ค่าตั้ง {name} ถูกเข้ารหัสไว้ แต่ฐานข้อมูลนี้เปิดโดยไม่มีกุญแจข้อมูล จึงอ่านไม่ได้")
    raw = base64.b64decode(stored[len(PREFIX) :])
    try:
        return _aead(data_key).decrypt(raw[:12], raw[12:], name.encode()).decode()
    except InvalidTag as exc:
        raise CoreError(
            f"ค่าตั้ง {name} ถอดรหัสไม่ได้ (ไม่ตรงกับกุญแจของฐานข้อมูลนี้) กรุณาลงทะเบียนเครื่องกับเซิร์ฟเวอร์ใหม่"
        ) from exc


def set_secret_setting(session: Session, engine: Engine, name: str, value: str) -> None:
    key = engine_key(engine)
    stored = seal(key, value, name=name) if key is not None and value else value
    row = session.get(LocalSetting, name)
    if row is None:
        session.add(LocalSetting(key=name, value=stored))
    else:
        row.value = stored


def get_secret_setting(session: Session, engine: Engine, name: str) -> str:
    stored = session.scalar(select(LocalSetting.value).where(LocalSetting.key == name)) or ""
    return unseal(engine_key(engine), stored, name=name) if stored else ""


def seal_plain_secrets(session: Session, engine: Engine) -> None:
    """Seal the secrets an older version stored as plain text (once, at start)."""
    if engine_key(engine) is None:
        return
    for name in SECRET_SETTINGS:
        row = session.get(LocalSetting, name)
        if row is not None and row.value and not row.value.startswith(PREFIX):
            set_secret_setting(session, engine, name, row.value)
