from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.readiness_read_models import ReadinessReadModels


T = TypeVar("T", bound="Readiness")


@_attrs_define
class Readiness:
    """
    Attributes:
        status (str):
        database (str):
        read_models (ReadinessReadModels | Unset):
    """

    status: str
    database: str
    read_models: ReadinessReadModels | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        database = self.database

        read_models: dict[str, Any] | Unset = UNSET
        if not isinstance(self.read_models, Unset):
            read_models = self.read_models.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "database": database,
            }
        )
        if read_models is not UNSET:
            field_dict["read_models"] = read_models

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.readiness_read_models import ReadinessReadModels  # noqa: PLC0415

        d = dict(src_dict)
        status = d.pop("status")

        database = d.pop("database")

        _read_models = d.pop("read_models", UNSET)
        read_models: ReadinessReadModels | Unset
        if isinstance(_read_models, Unset):
            read_models = UNSET
        else:
            read_models = ReadinessReadModels.from_dict(_read_models)

        readiness = cls(
            status=status,
            database=database,
            read_models=read_models,
        )

        readiness.additional_properties = d
        return readiness

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
