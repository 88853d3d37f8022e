from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.diff_op import DiffOp
from ..types import UNSET, Unset

T = TypeVar("T", bound="DiffChange")


@_attrs_define
class DiffChange:
    """
    Attributes:
        path (str):
        op (DiffOp): A JSON Patch operation (RFC 6902) in a plan diff.
        old (Any | Unset):
        new (Any | Unset):
    """

    path: str
    op: DiffOp
    old: Any | Unset = UNSET
    new: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        path = self.path

        op = self.op.value

        old = self.old

        new = self.new

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "path": path,
                "op": op,
            }
        )
        if old is not UNSET:
            field_dict["old"] = old
        if new is not UNSET:
            field_dict["new"] = new

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        path = d.pop("path")

        op = DiffOp(d.pop("op"))

        old = d.pop("old", UNSET)

        new = d.pop("new", UNSET)

        diff_change = cls(
            path=path,
            op=op,
            old=old,
            new=new,
        )

        diff_change.additional_properties = d
        return diff_change

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
