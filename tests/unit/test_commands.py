"""Every command is a typed value with a handler, and the edge builds each one."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from api.schemas import commands as requests
from api.schemas import compliance
from domain import commands
from domain.commands import COMMANDS, PLAN_COMMANDS, PlanCommand


def built_by_requests() -> set[type]:
    """The command types some request model's `command()` returns."""
    built = set()
    for module in (requests, compliance):
        for _, model in inspect.getmembers(module, inspect.isclass):
            method = getattr(model, "command", None)
            if method is not None and model.__module__ == module.__name__:
                built.add(
                    getattr(commands, inspect.signature(method).return_annotation.split(".")[-1])
                )
    return built


def test_every_command_class_is_listed() -> None:
    declared = {
        cls
        for _, cls in inspect.getmembers(commands, inspect.isclass)
        if dataclasses.is_dataclass(cls) and cls.__module__ == commands.__name__
    }
    assert declared - {PlanCommand} == set(COMMANDS)


@pytest.mark.parametrize("command", PLAN_COMMANDS, ids=lambda c: c.__name__)
def test_every_plan_command_has_a_handler(command: type[PlanCommand]) -> None:
    assert "decide" in vars(command), f"{command.__name__} needs a decide() (domain/commands.py)"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.__name__)
def test_every_command_is_frozen_and_keyword_only(command: type) -> None:
    params = dataclasses.fields(command)
    assert command.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert all(f.kw_only for f in params), f"{command.__name__}: fields are keyword-only"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.__name__)
def test_every_command_is_built_by_a_request_model(command: type) -> None:
    assert command in built_by_requests(), f"no request model builds {command.__name__}"


def test_a_command_without_a_handler_is_refused() -> None:
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Forgotten(PlanCommand):
        reason: str | None = None

    with pytest.raises(NotImplementedError, match="Forgotten has no decide"):
        Forgotten().decide(None, None, None)  # type: ignore[arg-type]
